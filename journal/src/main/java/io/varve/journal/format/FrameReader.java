package io.varve.journal.format;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.CHECKSUM_OFFSET;
import static io.varve.journal.format.FrameDescriptor.FLAGS_OFFSET;
import static io.varve.journal.format.FrameDescriptor.FLAG_UNCHECKED;
import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.journal.format.FrameDescriptor.KEY_LENGTH_OFFSET;
import static io.varve.journal.format.FrameDescriptor.KNOWN_FLAGS;
import static io.varve.journal.format.FrameDescriptor.PADDING_TYPE;
import static io.varve.journal.format.FrameDescriptor.SEQUENCE_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TIMESTAMP_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TYPE_OFFSET;

/**
 * Reads the frames of one segment in order and applies every rule of {@link FrameDescriptor} to each before it is
 * handed on: the one place those rules live. The tailer's hot loop, seeks, recovery, {@code varve verify},
 * compaction, backup and {@code varve dump} all read frames through it, so they agree on what is damaged.
 * <p>
 * A frame is checked in this order: its length (bounds that cannot overflow: the length is compared with the bytes
 * left before it is aligned), its type (a padding frame must run exactly to the end of the segment, carry the next
 * sequence and a checksum over its header like any other frame: the type word alone is never trusted), its flags
 * (unknown bits, or {@link FrameDescriptor#FLAG_UNCHECKED} with a non-zero checksum, mean the flags themselves were
 * damaged), its CRC32C, its sequence, its timestamp and its key length.
 * <p>
 * Use: {@link #wrap} a segment, {@link #position} the cursor, then {@link #next()} to read the frame at the cursor
 * without moving, and {@link #advance()} once the frame has been used. Splitting the two lets a tailer deliver a
 * record again when its handler throws.
 * <pre>
 *   next() result     cursor         meaning
 *   RECORD            at the frame   a valid record; its fields are in frameLength(), sequence(), ...
 *   END_OF_SEGMENT    unchanged      a valid padding frame, too few bytes left for a header, or the end of a
 *                                    compacted segment's frames: the journal goes on in the next segment
 *   NOT_WRITTEN       at the frame   length zero in a live segment: nothing committed here yet
 *   DAMAGED           at the frame   the frame breaks a rule: {@link #reason()} says which, with the values
 * </pre>
 * Threading: NOT threadsafe; each user owns one. Allocates nothing unless a frame is damaged.
 */
public final class FrameReader
{
    /** A valid record frame is at the cursor. */
    public static final int RECORD = 1;
    /** The segment's frames end at the cursor. */
    public static final int END_OF_SEGMENT = 2;
    /** Nothing committed at the cursor yet. */
    public static final int NOT_WRITTEN = 0;
    /** The frame at the cursor is invalid; see {@link #reason()}. */
    public static final int DAMAGED = -1;

    /**
     * A segment the writer appends to or has sealed: sequences are contiguous, a zero length means "not written".
     */
    public static final int LIVE = 0;
    /**
     * A segment rewritten by compaction in format version 1: sequences may have gaps and its frames end at the first
     * zero length, since the header does not say where they end.
     */
    public static final int COMPACTED_OPEN_END = 1;
    /**
     * A segment rewritten by compaction whose header says where its frames end (the limit given to {@link #wrap}):
     * sequences may have gaps, and a zero length before the limit is damage.
     */
    public static final int COMPACTED_SEALED = 2;

    private final FrameChecksum checksum = new FrameChecksum();
    private final boolean verifyChecksums;

    private ByteBuffer checksumView;
    private long address;
    private int limit;
    private int kind;
    private int offset;
    private long nextSequence;
    private long lastTimestamp;

    private int frameLength;
    private int type;
    private int flags;
    private long sequence;
    private long timestamp;
    private long uncheckedFrames;
    private String reason;

    /**
     * A reader of frames.
     *
     * @param verifyChecksums false to skip the CRC32C (every structural rule is still applied).
     */
    public FrameReader(final boolean verifyChecksums)
    {
        this.verifyChecksums = verifyChecksums;
    }

    /**
     * Read frames of a segment; the cursor moves to the first frame with the segment's base sequence.
     *
     * @param segment      buffer over the whole segment (or over a compacted segment's shorter file).
     * @param checksumView direct view over the same memory, owned by the caller of this reader.
     * @param limit        end of the frames: the segment length, or where a compacted segment's frames end.
     * @param kind         {@link #LIVE}, {@link #COMPACTED_OPEN_END} or {@link #COMPACTED_SEALED}.
     * @return this.
     */
    public FrameReader wrap(final UnsafeBuffer segment, final ByteBuffer checksumView, final int limit, final int kind)
    {
        if (limit > segment.capacity() || limit < SegmentDescriptor.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("limit outside the segment: limit=" + limit + " capacity=" +
                segment.capacity());
        }
        this.checksumView = checksumView;
        this.address = segment.addressOffset();
        this.limit = limit;
        this.kind = kind;
        this.offset = SegmentDescriptor.HEADER_LENGTH;
        this.nextSequence = SegmentDescriptor.baseSequence(segment);
        this.lastTimestamp = Long.MIN_VALUE;
        this.reason = null;
        return this;
    }

    /**
     * Move the cursor to a frame known to start there (the first frame, an index entry's frame, a saved position).
     *
     * @param frameOffset   of the frame, a multiple of {@link FrameDescriptor#FRAME_ALIGNMENT}.
     * @param nextSequence  the sequence that frame must carry (the least one in a compacted segment).
     * @param lastTimestamp the previous frame's timestamp, or {@link Long#MIN_VALUE} when unknown.
     * @return this.
     */
    public FrameReader position(final int frameOffset, final long nextSequence, final long lastTimestamp)
    {
        this.offset = frameOffset;
        this.nextSequence = nextSequence;
        this.lastTimestamp = lastTimestamp;
        return this;
    }

    /**
     * Read and check the frame at the cursor without moving.
     *
     * @return {@link #RECORD}, {@link #END_OF_SEGMENT}, {@link #NOT_WRITTEN} or {@link #DAMAGED}.
     */
    public int next()
    {
        final int offset = this.offset;
        final int remaining = limit - offset;
        if (remaining < HEADER_LENGTH)
        {
            return END_OF_SEGMENT;
        }
        final long frameAddress = address + offset;
        final int frameLength = UnsafeApi.getIntAcquire(null, frameAddress);
        this.frameLength = frameLength;
        if (frameLength == 0)
        {
            return zeroLength();
        }
        // compare before aligning: lengths near Integer.MAX_VALUE align to a negative number
        if (frameLength < HEADER_LENGTH || frameLength > remaining)
        {
            return lengthOutOfRange(frameLength, remaining);
        }
        final int type = UnsafeApi.getInt(frameAddress + TYPE_OFFSET);
        this.type = type;
        if (type < 0 && (type != PADDING_TYPE || frameLength != remaining))
        {
            return badNegativeType(type, frameLength, remaining);
        }
        final int flags = UnsafeApi.getByte(frameAddress + FLAGS_OFFSET) & 0xFF;
        this.flags = flags;
        final int storedChecksum = UnsafeApi.getInt(frameAddress + CHECKSUM_OFFSET);
        if ((flags & ~KNOWN_FLAGS) != 0 || ((flags & FLAG_UNCHECKED) != 0 && storedChecksum != 0))
        {
            // the flags decide whether the checksum is checked, so damaged flags must not be taken at their word
            return flagsDamaged(flags, storedChecksum);
        }
        if (verifyChecksums && (flags & FLAG_UNCHECKED) == 0 && !checksumMatches(frameLength, type, storedChecksum))
        {
            return DAMAGED;
        }
        final long sequence = UnsafeApi.getLong(frameAddress + SEQUENCE_OFFSET);
        this.sequence = sequence;
        if (sequence != nextSequence && (kind == LIVE || sequence < nextSequence))
        {
            return sequenceOutOfOrder(sequence);
        }
        final long timestamp = UnsafeApi.getLong(frameAddress + TIMESTAMP_OFFSET);
        this.timestamp = timestamp;
        if (timestamp < lastTimestamp)
        {
            return timestampBackwards(timestamp);
        }
        if (type == PADDING_TYPE)
        {
            return END_OF_SEGMENT;
        }
        return checkKeyLength(frameAddress, frameLength);
    }

    private int checkKeyLength(final long frameAddress, final int frameLength)
    {
        final int keyLength = UnsafeApi.getByte(frameAddress + KEY_LENGTH_OFFSET) & 0xFF;
        return keyLength > frameLength - HEADER_LENGTH ? keyTooLong(keyLength, frameLength) : RECORD;
    }

    /**
     * Move past the record that {@link #next()} returned.
     */
    public void advance()
    {
        offset += FrameDescriptor.alignedLength(frameLength);
        nextSequence = sequence + 1;
        lastTimestamp = timestamp;
        if ((flags & FLAG_UNCHECKED) != 0)
        {
            uncheckedFrames++;
        }
    }

    // The reasons are built out of line, so that next() stays small enough for the JIT to inline into a reader's loop.

    private int zeroLength()
    {
        if (kind == LIVE)
        {
            return NOT_WRITTEN;
        }
        if (kind == COMPACTED_OPEN_END)
        {
            return END_OF_SEGMENT;
        }
        return damaged("frame length is zero before the end of a compacted segment's frames: end=" + limit);
    }

    private boolean checksumMatches(final int frameLength, final int type, final int storedChecksum)
    {
        final int computed = checksum.compute(
            checksumView, offset, frameLength, type == PADDING_TYPE ? HEADER_LENGTH : frameLength);
        if (computed != storedChecksum)
        {
            checksumMismatch(storedChecksum, computed);
            return false;
        }
        return true;
    }

    private int lengthOutOfRange(final int frameLength, final int remaining)
    {
        return damaged("frame length out of range: length=" + frameLength + " min=" + HEADER_LENGTH +
            " max=" + remaining);
    }

    private int badNegativeType(final int type, final int frameLength, final int remaining)
    {
        if (type != PADDING_TYPE)
        {
            return damaged("reserved record type: type=" + type);
        }
        return damaged("padding frame does not end the segment: length=" + frameLength + " expected=" + remaining);
    }

    private int flagsDamaged(final int flags, final int storedChecksum)
    {
        return damaged("frame flags damaged: flags=0x" + Integer.toHexString(flags) + " checksum=0x" +
            Integer.toHexString(storedChecksum));
    }

    private int checksumMismatch(final int storedChecksum, final int computed)
    {
        return damaged("CRC32C mismatch: stored=0x" + Integer.toHexString(storedChecksum) +
            " computed=0x" + Integer.toHexString(computed));
    }

    private int sequenceOutOfOrder(final long sequence)
    {
        return damaged("sequence out of order: expected=" + (kind == LIVE ? "" : "at least ") + nextSequence +
            " found=" + sequence);
    }

    private int timestampBackwards(final long timestamp)
    {
        return damaged("timestamp went backwards: previous=" + lastTimestamp + " found=" + timestamp);
    }

    private int keyTooLong(final int keyLength, final int frameLength)
    {
        return damaged("key longer than payload: keyLength=" + keyLength + " payload=" + (frameLength - HEADER_LENGTH));
    }

    private int damaged(final String reason)
    {
        this.reason = reason;
        return DAMAGED;
    }

    /**
     * Why the last {@link #next()} returned {@link #DAMAGED}, in "what: expected=x found=y" form.
     *
     * @return the reason, or null.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * Offset of the frame at the cursor.
     *
     * @return bytes from the start of the segment.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * End of the frames this reader reads.
     *
     * @return the limit given to {@link #wrap}.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * Sequence the frame at the cursor must carry (the least one in a compacted segment).
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Timestamp of the last record passed by {@link #advance()}, or the one given to {@link #position}.
     *
     * @return epoch nanos.
     */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }

    /**
     * Length of the frame read by the last {@link #next()}, header plus payload.
     *
     * @return bytes, unaligned.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * Bytes the frame at the cursor occupies, alignment included.
     *
     * @return bytes.
     */
    public int alignedLength()
    {
        return FrameDescriptor.alignedLength(frameLength);
    }

    /**
     * Payload length of the record read by the last {@link #next()}.
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return frameLength - HEADER_LENGTH;
    }

    /**
     * Record type of the frame read by the last {@link #next()}.
     *
     * @return the type.
     */
    public int type()
    {
        return type;
    }

    /**
     * Flags of the frame read by the last {@link #next()}.
     *
     * @return flag bits.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * Sequence of the frame read by the last {@link #next()}.
     *
     * @return the sequence.
     */
    public long sequence()
    {
        return sequence;
    }

    /**
     * Timestamp of the frame read by the last {@link #next()}.
     *
     * @return epoch nanos.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /**
     * Records passed by {@link #advance()} so far whose writer computed no checksum ({@link FrameDescriptor#FLAG_UNCHECKED}), so that no
     * reader could check their bytes: tools must say so rather than call them checked.
     *
     * @return the count since this reader was made.
     */
    public long uncheckedFrames()
    {
        return uncheckedFrames;
    }
}
