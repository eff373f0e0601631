package io.varve.journal.compaction;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.storage.SegmentFrames;
import io.varve.journal.storage.SegmentHeaderReader;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compacted segment of format 2 can be checked whole: a zeroed length word, a flipped byte (even in frames written
 * without checksums) and a truncated file are damage that {@link SegmentFrames} (and so verify, recovery and
 * compaction) and tailers report. Compacted segments of format 1, written before, still open, tail and verify.
 */
class CompactedSegmentFormatTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int KEYS = 20;

    @TempDir
    Path dir;

    /** Keyed updates and unkeyed records over several segments, compacted; returns every sequence still there. */
    private List<Long> writeAndCompact(final boolean checksums)
    {
        try (Journal journal = Journal.open(
            new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).frameChecksums(checksums)))
        {
            final Appender appender = journal.appender();
            final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 8_000; i++)
            {
                final UnsafeBuffer key = new UnsafeBuffer(("key-" + (i % KEYS)).getBytes(StandardCharsets.US_ASCII));
                value.putLong(0, i, LITTLE_ENDIAN);
                appender.appendKeyed(key, 0, key.capacity(), value, 0, value.capacity(), 1, 1, false);
                if (i % 4 == 0)
                {
                    appender.append(value, 0, value.capacity(), 2);
                }
            }
            appender.sync();
            assertTrue(journal.compact(Duration.ZERO).segmentsRewritten() >= 3);
        }
        return sequences();
    }

    private List<Long> sequences()
    {
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            while (tailer.poll((buffer, offset, length, sequence, timestamp, type) -> sequences.add(sequence), 100) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return sequences;
    }

    private Path compactedSegment()
    {
        final Path segment = CompactionFiles.segment(dir, SEGMENT_LENGTH);
        final UnsafeBuffer header = SegmentHeaderReader.read(segment);
        assertTrue(SegmentDescriptor.isCompacted(header));
        assertEquals(SegmentDescriptor.COMPACTED_FORMAT_VERSION, SegmentDescriptor.version(header));
        return segment;
    }

    @Test
    void shouldReadACompactedSegmentWholeUpToTheFramesEndItsTrailerStates() throws Exception
    {
        writeAndCompact(true);
        assertNull(CompactionFiles.walkProblem(dir));
        final Path segment = compactedSegment();
        final int fileLength = (int)Files.size(segment);
        assertEquals(0, fileLength % SegmentDescriptor.COMPACTED_FILE_ALIGNMENT);
        try (SegmentFrames segments = CompactionFiles.segmentFrames(dir))
        {
            assertEquals(SegmentFrames.OPENED, segments.open(SEGMENT_LENGTH));
            assertTrue(segments.isSealedCompacted());
            final UnsafeBuffer buffer = segments.file().buffer();
            assertNull(SegmentDescriptor.validateTrailer(buffer, fileLength));
            assertEquals(SegmentDescriptor.trailerFramesEnd(buffer, fileLength), segments.limit());
            assertEquals(CompactionFiles.recordOffsets(dir, SEGMENT_LENGTH).size(),
                SegmentDescriptor.trailerFrameCount(buffer, fileLength));
            assertEquals("compacted segment frame count: expected=" +
                SegmentDescriptor.trailerFrameCount(buffer, fileLength) + " found=1",
                SegmentDescriptor.checkFrames(buffer, fileLength, 1), "a dropped frame shows in the count");
        }
    }

    @Test
    void shouldReportAZeroedLengthWordInsideACompactedSegment()
    {
        final List<Long> before = writeAndCompact(true);
        final int offset = CompactionFiles.recordOffsets(dir, SEGMENT_LENGTH).get(5);
        CompactionFiles.writeBytes(compactedSegment(), offset, new byte[4]);

        final String problem = CompactionFiles.walkProblem(dir);
        assertEquals(CompactionFiles.segment(dir, SEGMENT_LENGTH).getFileName() + " " + offset +
            " frame length is zero before the end of a compacted segment's frames: end=", problem.substring(0,
            problem.indexOf("end=") + 4));
        final JournalCorruptionException refused = assertThrows(JournalCorruptionException.class, this::sequences,
            "a tailer refuses the damaged frame rather than read past it");
        assertTrue(refused.getMessage().contains("offset=" + offset), refused.getMessage());
        assertTrue(before.size() > 0);
    }

    @Test
    void shouldReportAFlippedByteInACompactedSegmentWrittenWithoutChecksums()
    {
        writeAndCompact(false);
        final int offset = CompactionFiles.recordOffsets(dir, SEGMENT_LENGTH).get(5);
        CompactionFiles.flipByte(compactedSegment(), offset + FrameDescriptor.HEADER_LENGTH + 9);

        final String problem = CompactionFiles.walkProblem(dir);
        assertNotNull(problem, "no frame checksum to catch it: the frames checksum in the trailer does");
        assertTrue(problem.contains("compacted segment frames checksum mismatch"), problem);
    }

    @Test
    void shouldReportAFlippedByteInACompactedSegmentsTrailerOrAfterItsFrames() throws Exception
    {
        writeAndCompact(true);
        final Path segment = compactedSegment();
        final long fileLength = Files.size(segment);
        CompactionFiles.flipByte(segment, fileLength - SegmentDescriptor.TRAILER_LENGTH +
            SegmentDescriptor.TRAILER_FRAME_COUNT_OFFSET);
        assertTrue(CompactionFiles.walkProblem(dir).contains("compacted segment trailer checksum mismatch"));

        CompactionFiles.flipByte(segment, fileLength - SegmentDescriptor.TRAILER_LENGTH +
            SegmentDescriptor.TRAILER_FRAME_COUNT_OFFSET);
        CompactionFiles.flipByte(segment, fileLength - SegmentDescriptor.TRAILER_LENGTH - 1);
        assertTrue(CompactionFiles.walkProblem(dir).contains(
            "non-zero byte between a compacted segment's frames and its trailer"));
    }

    @Test
    void shouldReportATruncatedCompactedSegmentToVerifyAndToTailers() throws Exception
    {
        writeAndCompact(true);
        final Path segment = compactedSegment();
        final long fileLength = Files.size(segment);
        assertTrue(fileLength >= 2L * SegmentDescriptor.COMPACTED_FILE_ALIGNMENT, "a file of two pages or more");
        CompactionFiles.truncate(segment, fileLength - SegmentDescriptor.COMPACTED_FILE_ALIGNMENT);

        final String problem = CompactionFiles.walkProblem(dir);
        assertTrue(problem.startsWith(segment.getFileName() + " -1 compacted segment trailer missing"), problem);
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class, () ->
            {
                while (tailer.poll((buffer, offset, length, sequence, timestamp, type) -> { }, 100) > 0)
                {
                    Thread.onSpinWait();
                }
            });
            assertEquals(segment, ex.file());
            assertTrue(ex.reason().startsWith("compacted segment trailer missing"), ex.getMessage());
        }
    }

    @Test
    void shouldStillOpenTailVerifyAndCompactAJournalWithFormat1CompactedSegments()
    {
        final List<Long> sequences = writeAndCompact(true);
        int rewritten = 0;
        for (final Path segment : CompactionFiles.segmentFiles(dir))
        {
            final UnsafeBuffer header = SegmentHeaderReader.read(segment);
            if (SegmentDescriptor.isCompacted(header))
            {
                CompactionFiles.rewriteAsFormat1(segment);
                rewritten++;
            }
        }
        assertTrue(rewritten >= 3);
        final UnsafeBuffer header = SegmentHeaderReader.read(CompactionFiles.segment(dir, SEGMENT_LENGTH));
        assertEquals(SegmentDescriptor.FORMAT_VERSION, SegmentDescriptor.version(header));
        assertNull(SegmentDescriptor.validateHeader(header, SEGMENT_LENGTH, SEGMENT_LENGTH,
            SegmentDescriptor.journalId(header)));

        assertNull(CompactionFiles.walkProblem(dir), "format 1 compacted segments read to their first zero length");
        try (SegmentFrames segments = CompactionFiles.segmentFrames(dir))
        {
            assertEquals(SegmentFrames.OPENED, segments.open(SEGMENT_LENGTH));
            assertTrue(segments.isCompacted());
            assertFalse(segments.isSealedCompacted());
        }
        assertEquals(sequences, sequences(), "a tailer reads the same records");
        final VerifyReport verify = new JournalVerifier(dir, Set.of()).verify();
        assertFalse(verify.hasErrors(), verify.findings().toString());
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertFalse(journal.recoveryReport().droppedAnything(), journal.recoveryReport().toString());
            final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
            final UnsafeBuffer key = new UnsafeBuffer("key-0".getBytes(StandardCharsets.US_ASCII));
            journal.appender().appendKeyed(key, 0, key.capacity(), value, 0, value.capacity(), 1, 1, false);
            journal.appender().sync();
            journal.compact(Duration.ZERO);
        }
        assertNull(CompactionFiles.walkProblem(dir), "compacting a journal with format 1 compacted segments");
        final List<Long> after = sequences();
        assertEquals(sequences.get(sequences.size() - 1) + 1, after.get(after.size() - 1), "the appended record");
    }
}
