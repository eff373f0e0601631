package io.varve.journal.format;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame rules, one at a time, over a segment laid out in memory exactly as the writer lays it on disk.
 */
class FrameReaderTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int FIRST = SegmentDescriptor.HEADER_LENGTH;
    private static final long BASE_SEQUENCE = 100;

    private final ByteBuffer memory = ByteBuffer.allocateDirect(SEGMENT_LENGTH);
    private final UnsafeBuffer segment = new UnsafeBuffer(memory);
    private final FrameChecksum checksum = new FrameChecksum();

    @BeforeEach
    void header()
    {
        SegmentDescriptor.writeHeader(segment, SEGMENT_LENGTH, 0, BASE_SEQUENCE, 1, 7, 0);
    }

    private int frame(final int offset, final long sequence, final long timestamp, final int type, final int payload)
    {
        final int length = HEADER_LENGTH + payload;
        segment.putLong(offset + FrameDescriptor.SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        segment.putLong(offset + FrameDescriptor.TIMESTAMP_OFFSET, timestamp, LITTLE_ENDIAN);
        segment.putInt(offset + FrameDescriptor.TYPE_OFFSET, type, LITTLE_ENDIAN);
        for (int i = 0; i < payload; i++)
        {
            segment.putByte(offset + HEADER_LENGTH + i, (byte)(i + sequence));
        }
        seal(offset, length, type);
        return offset + FrameDescriptor.alignedLength(length);
    }

    private void seal(final int offset, final int length, final int type)
    {
        segment.putInt(offset + FrameDescriptor.CHECKSUM_OFFSET, checksum.compute(
            memory.duplicate(), offset, length, FrameChecksum.coveredLength(type, length)), LITTLE_ENDIAN);
        segment.putInt(offset, length, LITTLE_ENDIAN);
    }

    private FrameReader reader(final int kind)
    {
        return new FrameReader(true).wrap(segment, memory.duplicate(), SEGMENT_LENGTH, kind);
    }

    @Test
    void shouldReadRecordsThenStopWhereNothingIsWritten()
    {
        final int second = frame(FIRST, BASE_SEQUENCE, 10, 3, 13);
        frame(second, BASE_SEQUENCE + 1, 10, 4, 0);
        final FrameReader frames = reader(FrameReader.LIVE);

        assertEquals(FrameReader.RECORD, frames.next());
        assertEquals(BASE_SEQUENCE, frames.sequence());
        assertEquals(13, frames.payloadLength());
        assertEquals(3, frames.type());
        assertEquals(FrameReader.RECORD, frames.next(), "next() does not move the cursor");
        frames.advance();
        assertEquals(FrameReader.RECORD, frames.next());
        assertEquals(4, frames.type());
        frames.advance();
        assertEquals(FrameReader.NOT_WRITTEN, frames.next());
        assertEquals(BASE_SEQUENCE + 2, frames.nextSequence());
    }

    @ParameterizedTest
    @ValueSource(ints = { 0x7FFFFFF9, 0x7FFFFFFA, 0x7FFFFFFF, Integer.MIN_VALUE, -8, 8, HEADER_LENGTH - 1 })
    void shouldRejectLengthsThatOverflowOrUnderflow(final int length)
    {
        frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        segment.putInt(FIRST, length, LITTLE_ENDIAN);
        final FrameReader frames = reader(FrameReader.LIVE);

        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("frame length out of range"), frames.reason());
    }

    @Test
    void shouldEndTheSegmentAtAValidPaddingFrame()
    {
        final int padding = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(padding, BASE_SEQUENCE + 1, 10, FrameDescriptor.PADDING_TYPE, SEGMENT_LENGTH - padding - HEADER_LENGTH);
        final FrameReader frames = reader(FrameReader.LIVE);
        frames.next();
        frames.advance();

        assertEquals(FrameReader.END_OF_SEGMENT, frames.next());
    }

    @Test
    void shouldNotTrustATypeWordFlippedToPadding()
    {
        final int second = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(second, BASE_SEQUENCE + 1, 10, 3, 8);
        segment.putInt(FIRST + FrameDescriptor.TYPE_OFFSET, FrameDescriptor.PADDING_TYPE, LITTLE_ENDIAN);

        final FrameReader frames = reader(FrameReader.LIVE);
        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("padding frame does not end the segment"), frames.reason());
    }

    @Test
    void shouldCheckAPaddingFrameChecksum()
    {
        final int padding = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(padding, BASE_SEQUENCE + 1, 10, FrameDescriptor.PADDING_TYPE, SEGMENT_LENGTH - padding - HEADER_LENGTH);
        segment.putLong(padding + FrameDescriptor.TIMESTAMP_OFFSET, 11, LITTLE_ENDIAN);
        final FrameReader frames = reader(FrameReader.LIVE);
        frames.next();
        frames.advance();

        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("CRC32C mismatch"), frames.reason());
    }

    @Test
    void shouldCheckAPaddingFrameSequence()
    {
        final int padding = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(padding, BASE_SEQUENCE + 5, 10, FrameDescriptor.PADDING_TYPE, SEGMENT_LENGTH - padding - HEADER_LENGTH);
        final FrameReader frames = reader(FrameReader.LIVE);
        frames.next();
        frames.advance();

        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("sequence out of order"), frames.reason());
    }

    @Test
    void shouldRejectAFlippedPayloadByte()
    {
        frame(FIRST, BASE_SEQUENCE, 10, 3, 20);
        segment.putByte(FIRST + HEADER_LENGTH + 5, (byte)0x55);

        final FrameReader frames = reader(FrameReader.LIVE);
        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("CRC32C mismatch"), frames.reason());
        assertEquals(FIRST, frames.offset());
        assertEquals(FrameReader.RECORD, new FrameReader(false).wrap(segment, memory.duplicate(), SEGMENT_LENGTH,
            FrameReader.LIVE).next(), "without checksums the structure is all that is checked");
    }

    @Test
    void shouldRejectUnknownFlagsAndAnUncheckedFlagWithAChecksum()
    {
        frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        segment.putByte(FIRST + FrameDescriptor.FLAGS_OFFSET, (byte)0x80);
        assertEquals(FrameReader.DAMAGED, reader(FrameReader.LIVE).next());

        frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        segment.putByte(FIRST + FrameDescriptor.FLAGS_OFFSET, (byte)FrameDescriptor.FLAG_UNCHECKED);
        final FrameReader frames = reader(FrameReader.LIVE);
        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("frame flags damaged"), frames.reason());
    }

    @Test
    void shouldCountUncheckedFrames()
    {
        segment.putByte(FIRST + FrameDescriptor.FLAGS_OFFSET, (byte)FrameDescriptor.FLAG_UNCHECKED);
        segment.putLong(FIRST + FrameDescriptor.SEQUENCE_OFFSET, BASE_SEQUENCE, LITTLE_ENDIAN);
        segment.putInt(FIRST, HEADER_LENGTH + 8, LITTLE_ENDIAN);
        final FrameReader frames = reader(FrameReader.LIVE);

        assertEquals(FrameReader.RECORD, frames.next());
        frames.advance();
        assertEquals(1, frames.uncheckedFrames());
    }

    @Test
    void shouldAllowSequenceGapsOnlyInCompactedSegments()
    {
        final int second = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(second, BASE_SEQUENCE + 7, 10, 3, 8);

        final FrameReader live = reader(FrameReader.LIVE);
        live.next();
        live.advance();
        assertEquals(FrameReader.DAMAGED, live.next());

        final FrameReader compacted = reader(FrameReader.COMPACTED_OPEN_END);
        compacted.next();
        compacted.advance();
        assertEquals(FrameReader.RECORD, compacted.next());
        compacted.advance();
        assertEquals(FrameReader.END_OF_SEGMENT, compacted.next(), "a zero length ends a format 1 compacted segment");
    }

    @Test
    void shouldTreatAZeroLengthBeforeASealedEndAsDamage()
    {
        final int end = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        final FrameReader frames = new FrameReader(true).wrap(segment, memory.duplicate(), end + 64,
            FrameReader.COMPACTED_SEALED);
        frames.next();
        frames.advance();

        assertEquals(FrameReader.DAMAGED, frames.next());
    }

    @Test
    void shouldRejectTimestampsGoingBackwardsAndKeysLongerThanPayload()
    {
        final int second = frame(FIRST, BASE_SEQUENCE, 10, 3, 8);
        frame(second, BASE_SEQUENCE + 1, 9, 3, 8);
        final FrameReader frames = reader(FrameReader.LIVE);
        frames.next();
        frames.advance();
        assertEquals(FrameReader.DAMAGED, frames.next());
        assertTrue(frames.reason().startsWith("timestamp went backwards"), frames.reason());

        segment.putByte(FIRST + FrameDescriptor.KEY_LENGTH_OFFSET, (byte)9);
        seal(FIRST, HEADER_LENGTH + 8, 3);
        final FrameReader keyed = reader(FrameReader.LIVE);
        assertEquals(FrameReader.DAMAGED, keyed.next());
        assertTrue(keyed.reason().startsWith("key longer than payload"), keyed.reason());
    }

    @Test
    void shouldEndWhenTooFewBytesRemainForAHeader()
    {
        final FrameReader frames = reader(FrameReader.LIVE).position(SEGMENT_LENGTH - HEADER_LENGTH + 8,
            BASE_SEQUENCE, Long.MIN_VALUE);
        assertEquals(FrameReader.END_OF_SEGMENT, frames.next());
        assertNull(frames.reason());
    }
}
