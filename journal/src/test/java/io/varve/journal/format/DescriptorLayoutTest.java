package io.varve.journal.format;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the diagrams to the constants: offsets ascend, fields are naturally aligned and fit in the header, so the
 * Javadoc, docs/FORMAT.md and the code cannot drift apart unnoticed.
 */
class DescriptorLayoutTest
{
    private static void assertLayout(final int headerLength, final int... offsetsAndSizes)
    {
        int end = 0;
        for (int i = 0; i < offsetsAndSizes.length; i += 2)
        {
            final int offset = offsetsAndSizes[i];
            final int size = offsetsAndSizes[i + 1];
            assertTrue(offset >= end, "offset " + offset + " overlaps the previous field ending at " + end);
            final int alignment = Integer.bitCount(size) == 1 && size <= 8 ? size : 1;
            assertEquals(0, offset % alignment, "offset " + offset + " is not aligned to its size " + size);
            end = offset + size;
        }
        assertTrue(end <= headerLength, "fields end at " + end + " beyond the header length " + headerLength);
    }

    @Test
    void shouldPinFrameHeaderLayout()
    {
        assertLayout(FrameDescriptor.HEADER_LENGTH,
            FrameDescriptor.LENGTH_OFFSET, 4,
            FrameDescriptor.CHECKSUM_OFFSET, 4,
            FrameDescriptor.SEQUENCE_OFFSET, 8,
            FrameDescriptor.TIMESTAMP_OFFSET, 8,
            FrameDescriptor.TYPE_OFFSET, 4,
            FrameDescriptor.SCHEMA_VERSION_OFFSET, 2,
            FrameDescriptor.FLAGS_OFFSET, 1,
            FrameDescriptor.KEY_LENGTH_OFFSET, 1);
        assertEquals(32, FrameDescriptor.HEADER_LENGTH);
        assertEquals(0, FrameDescriptor.HEADER_LENGTH % FrameDescriptor.FRAME_ALIGNMENT);
        assertEquals(0, FrameDescriptor.LENGTH_OFFSET, "the length is the first word: it is the commit flag");
    }

    @Test
    void shouldPinSegmentHeaderLayout()
    {
        assertLayout(SegmentDescriptor.HEADER_LENGTH,
            SegmentDescriptor.MAGIC_OFFSET, 8,
            SegmentDescriptor.VERSION_OFFSET, 4,
            SegmentDescriptor.HEADER_LENGTH_OFFSET, 4,
            SegmentDescriptor.SEGMENT_LENGTH_OFFSET, 8,
            SegmentDescriptor.BASE_POSITION_OFFSET, 8,
            SegmentDescriptor.BASE_SEQUENCE_OFFSET, 8,
            SegmentDescriptor.CREATION_TIME_OFFSET, 8,
            SegmentDescriptor.JOURNAL_ID_OFFSET, 8,
            SegmentDescriptor.FLAGS_OFFSET, 4,
            SegmentDescriptor.HEADER_CHECKSUM_OFFSET, 4);
        assertEquals(64, SegmentDescriptor.HEADER_LENGTH);
        assertEquals("VARVESEG", ascii(SegmentDescriptor.MAGIC));
    }

    @Test
    void shouldPinCompactedSegmentTrailerLayout()
    {
        assertLayout(SegmentDescriptor.TRAILER_LENGTH,
            SegmentDescriptor.TRAILER_ZERO_OFFSET, 4,
            SegmentDescriptor.TRAILER_FRAME_COUNT_OFFSET, 4,
            SegmentDescriptor.TRAILER_FRAMES_END_OFFSET, 4,
            SegmentDescriptor.TRAILER_FRAMES_CHECKSUM_OFFSET, 4,
            SegmentDescriptor.TRAILER_MAGIC_OFFSET, 8,
            SegmentDescriptor.TRAILER_RESERVED_OFFSET, 4,
            SegmentDescriptor.TRAILER_CHECKSUM_OFFSET, 4);
        assertEquals(32, SegmentDescriptor.TRAILER_LENGTH);
        assertEquals(SegmentDescriptor.TRAILER_LENGTH, SegmentDescriptor.TRAILER_CHECKSUM_OFFSET + 4);
        assertEquals(0, SegmentDescriptor.TRAILER_ZERO_OFFSET, "reads as a zero frame length");
        assertEquals("VARVEEND", ascii(SegmentDescriptor.TRAILER_MAGIC));
        assertEquals(1, SegmentDescriptor.FORMAT_VERSION);
        assertEquals(2, SegmentDescriptor.COMPACTED_FORMAT_VERSION);
        assertEquals(4096, SegmentDescriptor.compactedFileLength(4096 - 32));
        assertEquals(8192, SegmentDescriptor.compactedFileLength(4096 - 24));
    }

    @Test
    void shouldComputeTheFramesChecksumOverBytes64ToTheFramesEnd()
    {
        final byte[] bytes = new byte[200_000];
        new java.util.Random(7).nextBytes(bytes);
        final CRC32C expected = new CRC32C();
        expected.update(bytes, SegmentDescriptor.HEADER_LENGTH, 150_000 - SegmentDescriptor.HEADER_LENGTH);
        final java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes);

        final int crc = (int)expected.getValue();
        assertEquals(crc, SegmentDescriptor.computeFramesChecksum(new UnsafeBuffer(bytes), 150_000), "copied");
        assertEquals(crc, SegmentDescriptor.computeFramesChecksum(new UnsafeBuffer(direct), 150_000), "direct");
        assertEquals(crc, SegmentDescriptor.computeFramesChecksum(
            new UnsafeBuffer(direct, 0, 160_000), 150_000), "direct, wrapped shorter");
        assertEquals(0, SegmentDescriptor.computeFramesChecksum(
            new UnsafeBuffer(bytes), SegmentDescriptor.HEADER_LENGTH), "no frames");
    }

    @Test
    void shouldAcceptSegmentFormatVersionsOneAndTwoOnly()
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[SegmentDescriptor.HEADER_LENGTH]);
        SegmentDescriptor.writeHeader(header, 65536, 65536, 10, 1, 42, 0);
        assertNull(SegmentDescriptor.validateHeader(header, 65536, 65536, 42));
        assertEquals(1, SegmentDescriptor.version(header));

        setVersionAndFlags(header, 2, SegmentDescriptor.FLAG_COMPACTED);
        assertNull(SegmentDescriptor.validateHeader(header, 65536, 65536, 42));
        assertTrue(SegmentDescriptor.hasTrailer(header));

        setVersionAndFlags(header, 1, SegmentDescriptor.FLAG_COMPACTED);
        assertNull(SegmentDescriptor.validateHeader(header, 65536, 65536, 42), "compacted by an earlier version");
        assertFalse(SegmentDescriptor.hasTrailer(header));

        setVersionAndFlags(header, 2, 0);
        assertEquals("segment format version 2 is only for compacted segments: flags=0x0",
            SegmentDescriptor.validateHeader(header, 65536, 65536, 42));

        setVersionAndFlags(header, 3, SegmentDescriptor.FLAG_COMPACTED);
        assertEquals("unknown segment format version: expected=1 found=3 (or 2 for a compacted segment); a newer " +
            "Varve may have written it",
            SegmentDescriptor.validateHeader(header, 65536, 65536, 42));
    }

    private static void setVersionAndFlags(final UnsafeBuffer header, final int version, final int flags)
    {
        header.putInt(SegmentDescriptor.VERSION_OFFSET, version, java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(SegmentDescriptor.FLAGS_OFFSET, flags, java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(SegmentDescriptor.HEADER_CHECKSUM_OFFSET, SegmentDescriptor.computeHeaderChecksum(header),
            java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void shouldPinMetadataLayout()
    {
        assertLayout(MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
            MetadataDescriptor.MAGIC_OFFSET, 8,
            MetadataDescriptor.VERSION_OFFSET, 4,
            MetadataDescriptor.HEADER_LENGTH_OFFSET, 4,
            MetadataDescriptor.SEGMENT_LENGTH_OFFSET, 8,
            MetadataDescriptor.JOURNAL_ID_OFFSET, 8,
            MetadataDescriptor.CREATION_TIME_OFFSET, 8,
            MetadataDescriptor.IDENTITY_CHECKSUM_OFFSET, 4,
            MetadataDescriptor.WRITER_PID_OFFSET, 8,
            MetadataDescriptor.WRITER_START_TIME_OFFSET, 8,
            MetadataDescriptor.WRITER_BOOT_ID_OFFSET, 16,
            MetadataDescriptor.WRITER_MAX_FRAME_LENGTH_OFFSET, 4,
            MetadataDescriptor.WRITER_WRITE_MODE_OFFSET, 4);
        assertEquals(100, MetadataDescriptor.WRITER_WRITE_MODE_OFFSET, "the write mode's offset is part of the format");
        assertEquals(0, MetadataDescriptor.WRITE_MODE_MAPPED, "files from before the field read as mapped");
        assertEquals(1, MetadataDescriptor.WRITE_MODE_POSITIONAL);
        assertLayout(MetadataDescriptor.DURABLE_SLOT_LENGTH,
            MetadataDescriptor.SLOT_POSITION_OFFSET, 8,
            MetadataDescriptor.SLOT_GENERATION_OFFSET, 8,
            MetadataDescriptor.SLOT_CHECKSUM_OFFSET, 4);
        assertEquals(0, MetadataDescriptor.DURABLE_SLOT_A_OFFSET % 64, "slot A on its own cache line");
        assertEquals(64, MetadataDescriptor.DURABLE_SLOT_B_OFFSET - MetadataDescriptor.DURABLE_SLOT_A_OFFSET);
        assertTrue(MetadataDescriptor.DURABLE_SLOT_B_OFFSET + 64 <= MetadataDescriptor.HEADER_LENGTH);
        assertEquals(4096, MetadataDescriptor.COUNTERS_METADATA_OFFSET);
        assertEquals(36864, MetadataDescriptor.COUNTERS_VALUES_OFFSET);
        assertEquals(45056, MetadataDescriptor.TAILER_TABLE_OFFSET);
        assertEquals(61440, MetadataDescriptor.ERROR_LOG_OFFSET);
        assertEquals(77824, MetadataDescriptor.FILE_LENGTH);
        assertEquals("VARVEMET", ascii(MetadataDescriptor.MAGIC));
        assertTrue(JournalCounter.values().length <= MetadataDescriptor.MAX_COUNTERS);
    }

    @Test
    void shouldPinIndexLayout()
    {
        assertLayout(IndexDescriptor.HEADER_LENGTH,
            IndexDescriptor.MAGIC_OFFSET, 8,
            IndexDescriptor.VERSION_OFFSET, 4,
            IndexDescriptor.HEADER_LENGTH_OFFSET, 4,
            IndexDescriptor.BASE_POSITION_OFFSET, 8,
            IndexDescriptor.JOURNAL_ID_OFFSET, 8,
            IndexDescriptor.INTERVAL_OFFSET, 4,
            IndexDescriptor.HEADER_CHECKSUM_OFFSET, 4);
        assertLayout(IndexDescriptor.ENTRY_LENGTH,
            IndexDescriptor.ENTRY_SEQUENCE_OFFSET, 8,
            IndexDescriptor.ENTRY_TIMESTAMP_OFFSET, 8,
            IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET, 4);
        assertEquals("VARVEIDX", ascii(IndexDescriptor.MAGIC));
    }

    @Test
    void shouldPinTailerSlotLayout()
    {
        assertLayout(TailerTableDescriptor.SLOT_LENGTH,
            TailerTableDescriptor.STATE_OFFSET, 4,
            TailerTableDescriptor.NAME_LENGTH_OFFSET, 4,
            TailerTableDescriptor.NAME_OFFSET, TailerTableDescriptor.MAX_NAME_LENGTH,
            TailerTableDescriptor.POSITION_OFFSET, 8,
            TailerTableDescriptor.SEQUENCE_OFFSET, 8,
            TailerTableDescriptor.UPDATE_TIME_OFFSET, 8,
            TailerTableDescriptor.OWNER_PID_OFFSET, 8);
    }

    @Test
    void shouldComputeStandardCrc32c()
    {
        final byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, FrameChecksum.crc32c(new UnsafeBuffer(check), 0, check.length));
    }

    @Test
    void shouldDefineFrameChecksumAsLengthThenRestOfFrame()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(64));
        final int frameLength = FrameDescriptor.HEADER_LENGTH + 5;
        FrameDescriptor.writeHeaderExceptLength(frame, 0, 7, 1234, 3, 2, 0, 0);
        frame.putBytes(FrameDescriptor.HEADER_LENGTH, "hello".getBytes(StandardCharsets.US_ASCII));
        frame.putInt(FrameDescriptor.LENGTH_OFFSET, frameLength);

        final CRC32C expected = new CRC32C();
        final byte[] bytes = new byte[frameLength];
        frame.getBytes(0, bytes);
        expected.update(bytes, 0, 4);
        expected.update(bytes, 8, frameLength - 8);

        final int computed = new FrameChecksum().compute(frame.byteBuffer().duplicate(), 0, frameLength, frameLength);
        assertEquals((int)expected.getValue(), computed);
        frame.putInt(FrameDescriptor.CHECKSUM_OFFSET, computed);
        final FrameReader frames = new FrameReader(true)
            .wrap(frame, frame.byteBuffer().duplicate(), 64, FrameReader.LIVE).position(0, 7, 0);
        assertEquals(FrameReader.RECORD, frames.next(), frames.reason());
    }

    @Test
    void shouldNameSegmentsSoTheySortInOrder()
    {
        assertEquals("00000000000067108864.seg", JournalDirectoryLayout.segmentFileName(67108864));
        assertEquals("00000000000000000000.idx", JournalDirectoryLayout.indexFileName(0));
        assertTrue(JournalDirectoryLayout.segmentFileName(9 * 65536).compareTo(
            JournalDirectoryLayout.segmentFileName(10 * 65536)) < 0);
        assertEquals(67108864, JournalDirectoryLayout.parseBasePosition("00000000000067108864.seg", ".seg"));
        assertEquals(-1, JournalDirectoryLayout.parseBasePosition("0000000000006710886x.seg", ".seg"));
        assertEquals(-1, JournalDirectoryLayout.parseBasePosition("67108864.seg", ".seg"));
        assertEquals(-1, JournalDirectoryLayout.parseBasePosition("99999999999999999999.seg", ".seg"));
    }

    private static String ascii(final long magic)
    {
        final byte[] bytes = new byte[8];
        new UnsafeBuffer(bytes).putLong(0, magic, java.nio.ByteOrder.LITTLE_ENDIAN);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
