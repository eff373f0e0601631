package io.varve.journal.format;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of the header at the start of every segment file. Frames follow it from {@link #HEADER_LENGTH}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVESEG"                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         | 12
 *  +---------------------------------------------------------------+
 *  |                        Segment Length                         | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Base Position                         | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Base Sequence                         | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Creation Time (epoch nanos)                  | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Journal Id                           | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                             Flags                             | 56
 *  +---------------------------------------------------------------+
 *  |                        Header Checksum                        | 60
 *  +---------------------------------------------------------------+
 *  |                       Frames from offset 64                  ...
 * </pre>
 * <ul>
 *     <li><b>Magic</b>: the ASCII bytes {@code VARVESEG}. The writer stores it last, with a release store, when it
 *     rolls into the segment; a segment whose magic is zero has been allocated ahead of the writer but not yet
 *     started, and holds no frames.</li>
 *     <li><b>Segment Length</b>: the file's length, a power of two; every segment of a journal has the same.</li>
 *     <li><b>Base Position</b>: the journal position of the file's first byte, a multiple of the segment length.
 *     A frame's position is the base position plus its offset in the file. The file is named after it.</li>
 *     <li><b>Base Sequence</b>: sequence of the first record in the segment (or of the next record when the
 *     segment holds none yet).</li>
 *     <li><b>Journal Id</b>: the id in the metadata file; a segment of another journal is foreign.</li>
 *     <li><b>Flags</b>: {@link #FLAG_COMPACTED} when compaction rewrote the segment.</li>
 *     <li><b>Header Checksum</b>: CRC32C of bytes [8, 60).</li>
 * </ul>
 * Threading: static methods, no state.
 */
public final class SegmentDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment length. */
    public static final int SEGMENT_LENGTH_OFFSET = 16;
    /** Offset of the base position. */
    public static final int BASE_POSITION_OFFSET = 24;
    /** Offset of the base sequence. */
    public static final int BASE_SEQUENCE_OFFSET = 32;
    /** Offset of the creation time. */
    public static final int CREATION_TIME_OFFSET = 40;
    /** Offset of the journal id. */
    public static final int JOURNAL_ID_OFFSET = 48;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 56;
    /** Offset of the header checksum. */
    public static final int HEADER_CHECKSUM_OFFSET = 60;
    /** Length of the header; the first frame starts here. */
    public static final int HEADER_LENGTH = 64;
    /** "VARVESEG" as a little-endian long. */
    public static final long MAGIC = 0x4745534556524156L;
    /** Format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Flag: the segment was rewritten by compaction; positions inside it differ from the original. */
    public static final int FLAG_COMPACTED = 0x1;
    /** Smallest segment length. */
    public static final int MIN_SEGMENT_LENGTH = 64 * 1024;
    /** Largest segment length: one mapping, int offsets. */
    public static final int MAX_SEGMENT_LENGTH = 1024 * 1024 * 1024;

    private SegmentDescriptor()
    {
    }

    /**
     * Checks a segment length.
     *
     * @param segmentLength to check.
     * @throws IllegalArgumentException when not a power of two in range.
     */
    public static void checkSegmentLength(final long segmentLength)
    {
        if (segmentLength < MIN_SEGMENT_LENGTH || segmentLength > MAX_SEGMENT_LENGTH ||
            !BitUtil.isPowerOfTwo(segmentLength))
        {
            throw new IllegalArgumentException("segment length must be a power of two in [" + MIN_SEGMENT_LENGTH +
                ", " + MAX_SEGMENT_LENGTH + "]: segmentLength=" + segmentLength);
        }
    }

    /**
     * Largest payload a record may have in segments of this length.
     *
     * @param segmentLength of the journal.
     * @return bytes.
     */
    public static int maxPayloadLength(final int segmentLength)
    {
        return segmentLength - HEADER_LENGTH - FrameDescriptor.HEADER_LENGTH;
    }

    /**
     * Write a complete header; the magic goes last with a release store so that a reader that sees it sees the rest.
     *
     * @param buffer        mapped over the segment.
     * @param segmentLength of the file.
     * @param basePosition  journal position of the file's first byte.
     * @param baseSequence  sequence of the segment's first record.
     * @param creationTime  epoch nanos.
     * @param journalId     of the journal.
     * @param flags         segment flags.
     */
    public static void writeHeader(
        final AtomicBuffer buffer,
        final int segmentLength,
        final long basePosition,
        final long baseSequence,
        final long creationTime,
        final long journalId,
        final int flags)
    {
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putLong(SEGMENT_LENGTH_OFFSET, segmentLength, LITTLE_ENDIAN);
        buffer.putLong(BASE_POSITION_OFFSET, basePosition, LITTLE_ENDIAN);
        buffer.putLong(BASE_SEQUENCE_OFFSET, baseSequence, LITTLE_ENDIAN);
        buffer.putLong(CREATION_TIME_OFFSET, creationTime, LITTLE_ENDIAN);
        buffer.putLong(JOURNAL_ID_OFFSET, journalId, LITTLE_ENDIAN);
        buffer.putInt(FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        buffer.putInt(HEADER_CHECKSUM_OFFSET, computeHeaderChecksum(buffer), LITTLE_ENDIAN);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    /**
     * CRC32C of bytes [8, 60) of a header.
     *
     * @param buffer holding the header at offset 0.
     * @return the checksum.
     */
    public static int computeHeaderChecksum(final DirectBuffer buffer)
    {
        return FrameChecksum.crc32c(buffer, VERSION_OFFSET, HEADER_CHECKSUM_OFFSET - VERSION_OFFSET);
    }

    /**
     * Magic, read with acquire semantics.
     *
     * @param buffer holding the header at offset 0.
     * @return the magic or 0 for a segment not yet started.
     */
    public static long magicVolatile(final AtomicBuffer buffer)
    {
        return buffer.getLongVolatile(MAGIC_OFFSET);
    }

    /**
     * Base sequence.
     *
     * @param buffer holding the header at offset 0.
     * @return the sequence of the first record.
     */
    public static long baseSequence(final DirectBuffer buffer)
    {
        return buffer.getLong(BASE_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Base position.
     *
     * @param buffer holding the header at offset 0.
     * @return position of the file's first byte.
     */
    public static long basePosition(final DirectBuffer buffer)
    {
        return buffer.getLong(BASE_POSITION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Creation time.
     *
     * @param buffer holding the header at offset 0.
     * @return epoch nanos.
     */
    public static long creationTime(final DirectBuffer buffer)
    {
        return buffer.getLong(CREATION_TIME_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Segment flags.
     *
     * @param buffer holding the header at offset 0.
     * @return flag bits.
     */
    public static int flags(final DirectBuffer buffer)
    {
        return buffer.getInt(FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Whether compaction rewrote the segment: its file may be shorter and its sequences may have gaps.
     *
     * @param buffer holding the header at offset 0.
     * @return true when {@link #FLAG_COMPACTED} is set.
     */
    public static boolean isCompacted(final DirectBuffer buffer)
    {
        return (flags(buffer) & FLAG_COMPACTED) != 0;
    }

    /**
     * Checks a started segment's header against what the journal expects.
     *
     * @param buffer        holding the header at offset 0.
     * @param segmentLength expected.
     * @param basePosition  expected, from the file name.
     * @param journalId     expected, from the metadata file.
     * @return null when valid, else the reason, in "what: expected=x found=y" form.
     */
    public static String validateHeader(
        final DirectBuffer buffer, final int segmentLength, final long basePosition, final long journalId)
    {
        final long magic = buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            return "bad segment magic: expected=0x" + Long.toHexString(MAGIC) + " found=0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version != FORMAT_VERSION)
        {
            return "unknown segment format version: expected=" + FORMAT_VERSION + " found=" + version;
        }
        final int storedChecksum = buffer.getInt(HEADER_CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int checksum = computeHeaderChecksum(buffer);
        if (storedChecksum != checksum)
        {
            return "segment header checksum mismatch: stored=0x" + Integer.toHexString(storedChecksum) +
                " computed=0x" + Integer.toHexString(checksum);
        }
        final int headerLength = buffer.getInt(HEADER_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (headerLength != HEADER_LENGTH)
        {
            return "segment header length: expected=" + HEADER_LENGTH + " found=" + headerLength;
        }
        final long storedLength = buffer.getLong(SEGMENT_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (storedLength != segmentLength)
        {
            return "segment length: expected=" + segmentLength + " found=" + storedLength;
        }
        final long storedBase = buffer.getLong(BASE_POSITION_OFFSET, LITTLE_ENDIAN);
        if (storedBase != basePosition)
        {
            return "segment base position: expected=" + basePosition + " found=" + storedBase;
        }
        final long storedId = buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN);
        if (storedId != journalId)
        {
            return "segment belongs to another journal: expected journalId=" + Long.toHexString(journalId) +
                " found=" + Long.toHexString(storedId);
        }
        return null;
    }

    /**
     * Journal id in a header.
     *
     * @param buffer holding the header at offset 0.
     * @return the id.
     */
    public static long journalId(final DirectBuffer buffer)
    {
        return buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Clear a header, magic first so no reader takes the rest as valid.
     *
     * @param buffer mapped over the segment.
     */
    public static void clearHeader(final MutableDirectBuffer buffer)
    {
        buffer.putLong(MAGIC_OFFSET, 0);
        buffer.setMemory(0, HEADER_LENGTH, (byte)0);
    }
}
