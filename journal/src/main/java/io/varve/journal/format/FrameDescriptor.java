package io.varve.journal.format;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a frame: the header that precedes every record in a segment.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Frame Length                          |  0
 *  +---------------------------------------------------------------+
 *  |                           Checksum                            |  4
 *  +---------------------------------------------------------------+
 *  |                           Sequence                            |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Timestamp (epoch nanos)                    | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Record Type                          | 24
 *  +-------------------------------+---------------+---------------+
 *  |        Schema Version         |     Flags     |  Key Length   | 28
 *  +-------------------------------+---------------+---------------+
 *  |                    Payload (key, then value)                 ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * <ul>
 *     <li><b>Frame Length</b>: header plus payload in bytes, not counting the padding to the next
 *     {@link #FRAME_ALIGNMENT}-byte boundary where the next frame starts. Zero means "nothing written yet".
 *     The writer stores it last, with a release store, so a reader that sees a length sees the whole frame.</li>
 *     <li><b>Checksum</b>: CRC32C of the frame with this field left out, taken as the byte stream
 *     {@code le32(frameLength) || frame[8, frameLength)}. A padding frame's checksum covers its header only:
 *     {@code le32(frameLength) || frame[8, 32)}.</li>
 *     <li><b>Sequence</b>: 0 for the first record of a journal, one more for each record. A padding frame carries
 *     the sequence of the record that follows it and consumes none.</li>
 *     <li><b>Timestamp</b>: epoch nanoseconds; never less than the previous frame's.</li>
 *     <li><b>Record Type</b>: chosen by the application, 0 or more; {@link #PADDING_TYPE} marks padding.</li>
 *     <li><b>Schema Version</b>: version of the payload's schema for its type, chosen by the application.</li>
 *     <li><b>Flags</b>: {@link #FLAG_TOMBSTONE} (set by the application), {@link #FLAG_UNCHECKED} (set by a writer
 *     configured without checksums: the checksum field is 0 and readers skip the check); other bits are zero.</li>
 *     <li><b>Key Length</b>: 0 for records without a key, else the number of payload bytes that form the key.</li>
 * </ul>
 * Records never span segments: the writer ends a segment with a padding frame that runs to its end, or, when
 * fewer than {@link #HEADER_LENGTH} bytes remain, leaves those bytes zero.
 * <p>
 * Threading: static methods, no state.
 */
public final class FrameDescriptor
{
    /** Offset of the frame length, written last with a release store. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the CRC32C checksum. */
    public static final int CHECKSUM_OFFSET = 4;
    /** Offset of the record sequence. */
    public static final int SEQUENCE_OFFSET = 8;
    /** Offset of the timestamp in epoch nanos. */
    public static final int TIMESTAMP_OFFSET = 16;
    /** Offset of the record type. */
    public static final int TYPE_OFFSET = 24;
    /** Offset of the schema version (unsigned 16 bits). */
    public static final int SCHEMA_VERSION_OFFSET = 28;
    /** Offset of the flags (8 bits). */
    public static final int FLAGS_OFFSET = 30;
    /** Offset of the key length (unsigned 8 bits). */
    public static final int KEY_LENGTH_OFFSET = 31;
    /** Length of the frame header; the payload starts here. */
    public static final int HEADER_LENGTH = 32;
    /** Frames start at multiples of this many bytes. */
    public static final int FRAME_ALIGNMENT = 8;
    /** Record type of a padding frame, which ends a segment and is never delivered. */
    public static final int PADDING_TYPE = -1;
    /** Flag: the record deletes its key (compaction drops the key after a grace period). */
    public static final int FLAG_TOMBSTONE = 0x1;
    /** Flag: the writer computed no checksum for this frame. */
    public static final int FLAG_UNCHECKED = 0x2;
    /** Flags an application may set. */
    public static final int APPLICATION_FLAGS = FLAG_TOMBSTONE;
    /** All flags this version knows. */
    public static final int KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_UNCHECKED;
    /** Largest key, in bytes. */
    public static final int MAX_KEY_LENGTH = 255;
    /** Largest schema version. */
    public static final int MAX_SCHEMA_VERSION = 0xFFFF;

    private FrameDescriptor()
    {
    }

    /**
     * Bytes a frame occupies in the segment, alignment included.
     *
     * @param frameLength header plus payload.
     * @return the frame length rounded up to {@link #FRAME_ALIGNMENT}.
     */
    public static int alignedLength(final int frameLength)
    {
        return BitUtil.align(frameLength, FRAME_ALIGNMENT);
    }

    /**
     * The frame length (header plus payload) for a payload.
     *
     * @param payloadLength bytes of payload.
     * @return header plus payload.
     */
    public static int frameLength(final int payloadLength)
    {
        return HEADER_LENGTH + payloadLength;
    }

    /**
     * Frame length, read with acquire semantics so that the rest of the frame is visible when it is non-zero.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return the frame length or 0.
     */
    public static int frameLengthVolatile(final AtomicBuffer buffer, final int frameOffset)
    {
        return buffer.getIntVolatile(frameOffset + LENGTH_OFFSET);
    }

    /**
     * Sequence of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return the sequence.
     */
    public static long sequence(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Timestamp of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return epoch nanos.
     */
    public static long timestamp(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + TIMESTAMP_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Record type of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return the type.
     */
    public static int type(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getInt(frameOffset + TYPE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Stored checksum of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return the CRC32C as stored.
     */
    public static int checksum(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getInt(frameOffset + CHECKSUM_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Schema version of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return 0 to {@link #MAX_SCHEMA_VERSION}.
     */
    public static int schemaVersion(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getShort(frameOffset + SCHEMA_VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * Flags of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return the flag bits.
     */
    public static int flags(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getByte(frameOffset + FLAGS_OFFSET) & 0xFF;
    }

    /**
     * Key length of a frame.
     *
     * @param buffer      holding the frame.
     * @param frameOffset of the frame in the buffer.
     * @return 0 to {@link #MAX_KEY_LENGTH}.
     */
    public static int keyLength(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getByte(frameOffset + KEY_LENGTH_OFFSET) & 0xFF;
    }

    /**
     * Write every header field except the length, which the caller stores last.
     *
     * @param buffer        to write into.
     * @param frameOffset   of the frame.
     * @param sequence      of the record.
     * @param timestamp     epoch nanos.
     * @param type          record type.
     * @param schemaVersion payload schema version.
     * @param flags         flag bits.
     * @param keyLength     bytes of key at the start of the payload.
     */
    public static void writeHeaderExceptLength(
        final MutableDirectBuffer buffer,
        final int frameOffset,
        final long sequence,
        final long timestamp,
        final int type,
        final int schemaVersion,
        final int flags,
        final int keyLength)
    {
        buffer.putLong(frameOffset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        buffer.putLong(frameOffset + TIMESTAMP_OFFSET, timestamp, LITTLE_ENDIAN);
        buffer.putInt(frameOffset + TYPE_OFFSET, type, LITTLE_ENDIAN);
        buffer.putShort(frameOffset + SCHEMA_VERSION_OFFSET, (short)schemaVersion, LITTLE_ENDIAN);
        buffer.putByte(frameOffset + FLAGS_OFFSET, (byte)flags);
        buffer.putByte(frameOffset + KEY_LENGTH_OFFSET, (byte)keyLength);
    }

    /**
     * Checks a record type given by an application.
     *
     * @param type the type.
     * @throws IllegalArgumentException when negative.
     */
    public static void checkType(final int type)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("record type must be >= 0: type=" + type);
        }
    }
}
