package io.varve.stress.jcstress;

import io.varve.journal.format.FrameChecksum;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.write.FrameWriter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * A small segment in off-heap memory, with what the writer's thread and a reader's thread each own. The writer side
 * publishes frames exactly as {@code Appender} does, through {@link FrameWriter}: header, payload, checksum, then the
 * length with a release store. The reader side loads the length with acquire semantics as {@code Tailer} does and
 * checks the frame with {@link FrameReader}, as tailers, recovery and {@code varve verify} do, plus the payload bytes.
 * <p>
 * Threading: {@code append*} and {@link #writeHeader(long, long)} on the writer's thread; {@code length*} and
 * {@code is*} on one reader's thread. Each side has its own checksum view, because a CRC32C over a
 * {@link ByteBuffer} moves its position and limit.
 */
final class SegmentMemory
{
    static final int LENGTH = 256;
    static final long JOURNAL_ID = 0x5641_5256_4553_0001L;
    static final long TIMESTAMP = 1_750_000_000_000_000_000L;
    static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;

    private final UnsafeBuffer buffer;
    private final ByteBuffer writerView;
    private final ByteBuffer readerView;
    private final FrameChecksum writerChecksum = new FrameChecksum();
    private final FrameReader frames = new FrameReader(true);
    private final UnsafeBuffer claim = new UnsafeBuffer(0, 0);

    SegmentMemory()
    {
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(LENGTH, 64);
        buffer = new UnsafeBuffer(memory);
        writerView = memory.duplicate();
        readerView = memory.duplicate();
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Start the segment as a roll does: every header field, then the magic last with a release store.
     */
    void writeHeader(final long basePosition, final long baseSequence)
    {
        SegmentDescriptor.writeHeader(buffer, LENGTH, basePosition, baseSequence, TIMESTAMP, JOURNAL_ID, 0);
    }

    /**
     * Append a record as {@code Appender.append} does: header, payload copy, then commit.
     *
     * @return offset of the next frame.
     */
    int append(final int frameOffset, final long sequence, final int payloadLength)
    {
        final long frameAddress = buffer.addressOffset() + frameOffset;
        FrameWriter.writeHeader(frameAddress, sequence, TIMESTAMP, 7, 1, 0, 0);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.putByte(frameOffset + HEADER_LENGTH + i, payloadByte(sequence, i));
        }
        final int frameLength = HEADER_LENGTH + payloadLength;
        FrameWriter.commit(frameAddress, writerView, frameOffset, frameLength, frameLength, writerChecksum);
        return frameOffset + FrameDescriptor.alignedLength(frameLength);
    }

    /**
     * Append a record as {@code Appender.claim} and {@code RecordClaim.commit} do: the header when claiming, the
     * payload written by the application straight into the segment through a buffer over the claim, then commit.
     *
     * @return offset of the next frame.
     */
    int appendByClaim(final int frameOffset, final long sequence, final int payloadLength)
    {
        final long frameAddress = buffer.addressOffset() + frameOffset;
        FrameWriter.writeHeader(frameAddress, sequence, TIMESTAMP, 7, 0, 0, 0);
        claim.wrap(frameAddress + HEADER_LENGTH, payloadLength);
        for (int i = 0; i < payloadLength; i++)
        {
            claim.putByte(i, payloadByte(sequence, i));
        }
        final int frameLength = HEADER_LENGTH + payloadLength;
        FrameWriter.commit(frameAddress, writerView, frameOffset, frameLength, frameLength, writerChecksum);
        return frameOffset + FrameDescriptor.alignedLength(frameLength);
    }

    /**
     * End the segment as a roll does: a padding frame to the end, its checksum over its header only.
     */
    void appendPadding(final int frameOffset, final long nextSequence)
    {
        final long frameAddress = buffer.addressOffset() + frameOffset;
        final int remaining = LENGTH - frameOffset;
        FrameWriter.writeHeader(frameAddress, nextSequence, TIMESTAMP, FrameDescriptor.PADDING_TYPE, 0, 0, 0);
        FrameWriter.commit(frameAddress, writerView, frameOffset, remaining, HEADER_LENGTH, writerChecksum);
    }

    /**
     * The frame length as a tailer loads it: with acquire semantics.
     */
    int lengthAcquire(final int frameOffset)
    {
        return buffer.getIntAcquire(frameOffset);
    }

    /**
     * Whether the frame validates as every reader checks it, and its payload holds what the writer wrote.
     */
    boolean isValid(final int frameOffset, final int frameLength, final long expectedSequence)
    {
        final int result = frames.wrap(buffer, readerView, LENGTH, FrameReader.LIVE)
            .position(frameOffset, expectedSequence, 0).next();
        if (frames.frameLength() != frameLength)
        {
            return false;
        }
        if (result == FrameReader.END_OF_SEGMENT && frames.type() == FrameDescriptor.PADDING_TYPE)
        {
            return true;
        }
        if (result != FrameReader.RECORD)
        {
            return false;
        }
        for (int i = 0, length = frameLength - HEADER_LENGTH; i < length; i++)
        {
            if (buffer.getByte(frameOffset + HEADER_LENGTH + i) != payloadByte(expectedSequence, i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the frame is a valid padding frame running to the end of the segment.
     */
    boolean isValidPadding(final int frameOffset, final int frameLength, final long nextSequence)
    {
        return FrameDescriptor.type(buffer, frameOffset) == FrameDescriptor.PADDING_TYPE &&
            isValid(frameOffset, frameLength, nextSequence);
    }

    private static byte payloadByte(final long sequence, final int index)
    {
        return (byte)(sequence * 31 + index * 7 + 1);
    }
}
