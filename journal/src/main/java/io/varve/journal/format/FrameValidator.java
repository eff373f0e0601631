package io.varve.journal.format;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.journal.format.FrameDescriptor.PADDING_TYPE;

/**
 * Decides whether a frame is valid: its length in bounds, its checksum, its sequence and timestamp in order, its
 * header fields known. Recovery, {@code varve verify} and tailers use the same rules, so they agree on what is
 * damaged. Lengths read from disk are checked against the segment before anything is read with them.
 * <p>
 * Threading: NOT threadsafe; each user owns one.
 */
public final class FrameValidator
{
    private final FrameChecksum checksum = new FrameChecksum();

    /**
     * A validator with its own checksum.
     */
    public FrameValidator()
    {
    }

    /**
     * Check the frame at an offset whose length the caller has read and found non-zero.
     *
     * @param segment          buffer over the segment.
     * @param checksumView     direct view over the same segment, owned by the caller.
     * @param frameOffset      of the frame.
     * @param frameLength      as read from the frame.
     * @param segmentLength    of the segment.
     * @param expectedSequence the sequence this frame must carry.
     * @param minTimestamp     the previous frame's timestamp.
     * @param verifyChecksum   false to skip the CRC (for speed; structure is still checked).
     * @return null when valid, else the reason with expected and found values.
     */
    public String validate(
        final DirectBuffer segment,
        final ByteBuffer checksumView,
        final int frameOffset,
        final int frameLength,
        final int segmentLength,
        final long expectedSequence,
        final long minTimestamp,
        final boolean verifyChecksum)
    {
        return validate(segment, checksumView, frameOffset, frameLength, segmentLength, expectedSequence, minTimestamp,
            verifyChecksum, false);
    }

    /**
     * Check the frame at an offset whose length the caller has read and found non-zero.
     *
     * @param segment          buffer over the segment.
     * @param checksumView     direct view over the same segment, owned by the caller.
     * @param frameOffset      of the frame.
     * @param frameLength      as read from the frame.
     * @param segmentLength    of the segment.
     * @param expectedSequence the sequence this frame must carry.
     * @param minTimestamp     the previous frame's timestamp.
     * @param verifyChecksum   false to skip the CRC (for speed; structure is still checked).
     * @param sequenceGaps     true in a compacted segment: the sequence may be above the expected one.
     * @return null when valid, else the reason with expected and found values.
     */
    public String validate(
        final DirectBuffer segment,
        final ByteBuffer checksumView,
        final int frameOffset,
        final int frameLength,
        final int segmentLength,
        final long expectedSequence,
        final long minTimestamp,
        final boolean verifyChecksum,
        final boolean sequenceGaps)
    {
        final int remaining = segmentLength - frameOffset;
        if (frameLength < HEADER_LENGTH || FrameDescriptor.alignedLength(frameLength) > remaining || frameLength < 0)
        {
            return "frame length out of range: length=" + frameLength + " min=" + HEADER_LENGTH + " max=" + remaining;
        }
        final int type = FrameDescriptor.type(segment, frameOffset);
        if (type == PADDING_TYPE && frameLength != remaining)
        {
            return "padding frame does not end the segment: length=" + frameLength + " expected=" + remaining;
        }
        if (type < 0 && type != PADDING_TYPE)
        {
            return "reserved record type: type=" + type;
        }
        final int flags = FrameDescriptor.flags(segment, frameOffset);
        if ((flags & ~FrameDescriptor.KNOWN_FLAGS) != 0)
        {
            return "unknown frame flags: flags=0x" + Integer.toHexString(flags);
        }
        if ((flags & FrameDescriptor.FLAG_UNCHECKED) != 0 && FrameDescriptor.checksum(segment, frameOffset) != 0)
        {
            // a writer without checksums stores 0: a non-zero checksum means the flag itself was damaged, and
            // taking it at its word would skip the one check that catches the damage
            return "unchecked frame with a non-zero checksum: checksum=0x" +
                Integer.toHexString(FrameDescriptor.checksum(segment, frameOffset));
        }
        if (verifyChecksum && (flags & FrameDescriptor.FLAG_UNCHECKED) == 0)
        {
            final int stored = FrameDescriptor.checksum(segment, frameOffset);
            final int computed = checksum.compute(
                checksumView, frameOffset, frameLength, FrameChecksum.coveredLength(type, frameLength));
            if (stored != computed)
            {
                return "CRC32C mismatch: stored=0x" + Integer.toHexString(stored) +
                    " computed=0x" + Integer.toHexString(computed);
            }
        }
        final long sequence = FrameDescriptor.sequence(segment, frameOffset);
        if (sequenceGaps ? sequence < expectedSequence : sequence != expectedSequence)
        {
            return "sequence out of order: expected=" + (sequenceGaps ? "at least " : "") + expectedSequence +
                " found=" + sequence;
        }
        final long timestamp = FrameDescriptor.timestamp(segment, frameOffset);
        if (timestamp < minTimestamp)
        {
            return "timestamp went backwards: previous=" + minTimestamp + " found=" + timestamp;
        }
        if (type != PADDING_TYPE && FrameDescriptor.keyLength(segment, frameOffset) > frameLength - HEADER_LENGTH)
        {
            return "key longer than payload: keyLength=" + FrameDescriptor.keyLength(segment, frameOffset) +
                " payload=" + (frameLength - HEADER_LENGTH);
        }
        return null;
    }
}
