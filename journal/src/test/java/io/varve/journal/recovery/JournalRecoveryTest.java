package io.varve.journal.recovery;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.Tailer;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static io.varve.journal.recovery.JournalFiles.flipByte;
import static io.varve.journal.recovery.JournalFiles.recordPositions;
import static io.varve.journal.recovery.JournalFiles.rewindDurablePosition;
import static io.varve.journal.recovery.JournalFiles.segmentOf;
import static io.varve.journal.recovery.JournalFiles.writeBytes;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRecoveryTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int PAYLOAD = 100;

    @TempDir
    Path dir;

    private long write(final int records)
    {
        return write(dir, records);
    }

    private static long write(final Path dir, final int records)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        for (int i = 8; i < PAYLOAD; i++)
        {
            payload.putByte(i, (byte)(1 + i % 250));
        }
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, appender.nextSequence(), LITTLE_ENDIAN);
                appender.append(payload, 0, PAYLOAD);
            }
            return appender.position();
        }
    }

    private Journal open(final RecoveryMode mode)
    {
        return Journal.open(new JournalContext().directory(dir).recoveryMode(mode));
    }

    private long countRecords()
    {
        return FrameWalker.walk(dir, SEGMENT_LENGTH,
            (b, o, l, s, t, ty, p) -> assertEquals(s, b.getLong(o, LITTLE_ENDIAN)));
    }

    @Test
    void shouldTruncateTornTailBeyondDurablePositionAndReportIt()
    {
        write(100);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        rewindDurablePosition(dir, positions.get(60));
        flipByte(dir, positions.get(70) + FrameDescriptor.HEADER_LENGTH + 3, SEGMENT_LENGTH);

        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(70, report.nextSequence());
            assertEquals(30, report.droppedRecords(), report.toString());
            assertTrue(report.droppedBytes() > 0);
            assertEquals(positions.get(70) & (SEGMENT_LENGTH - 1), report.truncatedOffset());
            assertEquals(segmentOf(dir, positions.get(70), SEGMENT_LENGTH), report.truncatedFile());
            assertTrue(report.reason().contains("CRC32C mismatch"), report.reason());
            assertFalse(report.corruptionRepaired());
            assertEquals(70, journal.appender().nextSequence());
            assertEquals(positions.get(70), journal.appender().position(), "appends go where the tear was");
            final UnsafeBuffer next = new UnsafeBuffer(new byte[8]);
            next.putLong(0, 70, LITTLE_ENDIAN);
            journal.appender().append(next, 0, 8);
        }
        assertEquals(71, countRecords());
        assertFalse(new JournalVerifier(dir, Set.of()).verify().hasErrors());
    }

    @Test
    void shouldRefuseCorruptionBelowDurablePositionNamingFileOffsetAndReason()
    {
        write(100);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        final long bad = positions.get(98);
        flipByte(dir, bad + FrameDescriptor.HEADER_LENGTH + 1, SEGMENT_LENGTH);

        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertEquals(segmentOf(dir, bad, SEGMENT_LENGTH), ex.file());
        assertEquals(bad & (SEGMENT_LENGTH - 1), ex.offset());
        assertTrue(ex.reason().contains("CRC32C mismatch"), ex.reason());
        assertTrue(ex.getMessage().contains("TRUNCATE_CORRUPTION"), ex.getMessage());
        final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
        assertEquals(bad & (SEGMENT_LENGTH - 1), report.firstError().offset(), "refusing changed nothing");
        assertEquals(98, report.records());
    }

    @Test
    void shouldRepairCorruptionBelowDurablePositionWhenAsked()
    {
        write(100);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        flipByte(dir, positions.get(98) + FrameDescriptor.HEADER_LENGTH + 1, SEGMENT_LENGTH);

        try (Journal journal = open(RecoveryMode.TRUNCATE_CORRUPTION))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertTrue(report.corruptionRepaired());
            assertEquals(2, report.droppedRecords(), report.toString());
            assertTrue(report.droppedRecordsExact(), report.toString());
            assertEquals(98, report.firstDroppedSequence());
            assertEquals(99, report.lastDroppedSequence());
            assertEquals(100, report.nextSequence(), "durable sequences 98 and 99 are never handed out again");
            assertEquals(100, journal.appender().nextSequence());
        }
        assertEquals(98, countRecords());
    }

    private void truncate(final Path file, final long length) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(length);
        }
    }

    private static final int RECORDS_PER_SEGMENT = (SEGMENT_LENGTH - SegmentDescriptor.HEADER_LENGTH) /
        FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);

    @Test
    void shouldKeepEveryIntactFrameOfATruncatedLastSegmentReportExactlyWhatWasDroppedAndNeverReuseItsSequences()
        throws Exception
    {
        final int records = 2 * RECORDS_PER_SEGMENT + 350;
        write(records);
        final Path last = dir.resolve(JournalDirectoryLayout.segmentFileName(2L * SEGMENT_LENGTH));
        truncate(last, SEGMENT_LENGTH / 2);
        final int frame = FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);
        final int keptInLast = (SEGMENT_LENGTH / 2 - SegmentDescriptor.HEADER_LENGTH) / frame;
        final long firstLost = 2L * RECORDS_PER_SEGMENT + keptInLast;

        final JournalCorruptionException refused = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(refused.getMessage().contains("varve repair " + dir), refused.getMessage());
        assertEquals(SegmentDescriptor.HEADER_LENGTH + (long)keptInLast * frame, refused.offset());

        try (Journal journal = open(RecoveryMode.TRUNCATE_CORRUPTION))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertTrue(report.corruptionRepaired(), report.toString());
            assertEquals(last, report.truncatedFile());
            assertEquals(SegmentDescriptor.HEADER_LENGTH + (long)keptInLast * frame, report.truncatedOffset());
            assertEquals(records - firstLost, report.droppedRecords(), report.toString());
            assertTrue(report.droppedRecordsExact(), report.toString());
            assertEquals(firstLost, report.firstDroppedSequence());
            assertEquals(records - 1, report.lastDroppedSequence());
            assertTrue(report.droppedBytes() >= (records - firstLost - 1) * (long)frame, report.toString());
            assertEquals(records, report.nextSequence());
            assertEquals(records, journal.appender().nextSequence(), "no durable record's sequence is reused");
            final UnsafeBuffer next = new UnsafeBuffer(new byte[8]);
            next.putLong(0, records, LITTLE_ENDIAN);
            journal.appender().append(next, 0, 8);
        }
        assertEquals(SEGMENT_LENGTH, Files.size(last), "the truncated segment has its full length again");
        assertEquals(firstLost + 1, countRecords(), "every intact frame before the cut is kept, and the new one");
        final String log = Files.readString(dir.resolve(JournalDirectoryLayout.REPAIR_LOG_FILE));
        assertTrue(log.contains("file=" + last), log);
        assertTrue(log.contains("firstDroppedSequence=" + firstLost + " lastDroppedSequence=" + (records - 1)), log);
        assertTrue(log.contains("sequenceGap=" + firstLost + ".." + (records - 1)), log);
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            assertEquals(records + 1, journal.appender().nextSequence(), "the repaired journal opens strict");
        }
        try (Journal journal = open(RecoveryMode.TRUNCATE_CORRUPTION))
        {
            assertFalse(journal.recoveryReport().droppedAnything(),
                "a repair reads every frame and accepts the gap the repair log records: " + journal.recoveryReport());
            assertEquals(records + 1, journal.appender().nextSequence());
        }
        Files.delete(dir.resolve(JournalDirectoryLayout.REPAIR_LOG_FILE));
        final RecoveryReport unrecorded = JournalRecovery.plan(dir);
        assertTrue(unrecorded.corruptionRepaired(), "a gap no repair recorded is damage: " + unrecorded);
        assertTrue(unrecorded.reason().contains("segment base sequence: expected=" + firstLost + " found=" + records),
            unrecorded.reason());
    }

    @Test
    void shouldCountTheRecordsOfATruncatedMiddleSegmentFromTheNextSegmentsBaseSequence() throws Exception
    {
        final int records = 2 * RECORDS_PER_SEGMENT + 350;
        write(records);
        // recovery reads from the durable position on: put it in the middle segment, beyond the cut
        rewindDurablePosition(dir, recordPositions(dir, SEGMENT_LENGTH).get(RECORDS_PER_SEGMENT + 400));
        final Path middle = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        truncate(middle, SEGMENT_LENGTH / 2);
        final int frame = FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);
        final long firstLost = RECORDS_PER_SEGMENT + (SEGMENT_LENGTH / 2 - SegmentDescriptor.HEADER_LENGTH) / frame;

        try (Journal journal = open(RecoveryMode.TRUNCATE_CORRUPTION))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(records - firstLost, report.droppedRecords(), report.toString());
            assertTrue(report.droppedRecordsExact(), report.toString());
            assertEquals(firstLost, report.firstDroppedSequence());
            assertEquals(records - 1, report.lastDroppedSequence());
            assertEquals(records, journal.appender().nextSequence());
            assertEquals(List.of(JournalDirectoryLayout.segmentFileName(2L * SEGMENT_LENGTH)), report.deletedFiles());
        }
        assertEquals(firstLost, countRecords());
    }

    @Test
    void shouldTreatZeroedFrameBelowDurablePositionAsCorruption()
    {
        write(100);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        JournalFiles.zeroFrom(dir, positions.get(99), SEGMENT_LENGTH);
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(ex.reason().contains("frame length is zero below the durable position"), ex.reason());
    }

    @Test
    void shouldKeepExactlyTheValidPrefixWhateverByteATornWriteStopsAt() throws Exception
    {
        final Path pristine = dir.resolve("pristine");
        write(pristine, 40);
        final List<Long> positions = recordPositions(pristine, SEGMENT_LENGTH);
        final long firstTorn = positions.get(38);
        rewindDurablePosition(pristine, firstTorn);
        final long end = positions.get(39) + FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);

        for (long cut = firstTorn; cut < end; cut++)
        {
            final Path copy = dir.resolve("cut-" + cut);
            JournalFiles.copyDirectory(pristine, copy);
            JournalFiles.zeroFrom(copy, cut, SEGMENT_LENGTH);
            final long expected = cut >= positions.get(39) + FrameDescriptor.HEADER_LENGTH + PAYLOAD ? 40 :
                cut >= firstTorn + FrameDescriptor.HEADER_LENGTH + PAYLOAD ? 39 : 38;
            try (Journal journal = Journal.open(new JournalContext().directory(copy)))
            {
                assertEquals(expected, journal.appender().nextSequence(), "cut at " + cut);
                assertEquals(expected < 40 ? positions.get((int)expected) : end, journal.appender().position());
                journal.appender().append(new UnsafeBuffer(new byte[8]), 0, 8);
            }
            final VerifyReport report = new JournalVerifier(copy, Set.of()).verify();
            assertTrue(report.findings().isEmpty(), "cut at " + cut + ": " + report.findings());
            assertEquals(expected + 1, report.records());
        }
    }

    @Test
    void shouldLeaveDamageInAnUnforcedSegmentToTailersAndVerifyWhenReadingOnlyTheTail() throws Exception
    {
        write(2000);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        final int damaged = indexOfFirstIn(positions, SEGMENT_LENGTH) + 5;
        // unforced on this boot, then damaged behind the journal's back: no crash can do this, a stray writer can
        try (MetadataFile metadata = MetadataFile.open(dir, false))
        {
            metadata.storeDurablePosition(positions.get(10), null);
            assertTrue(metadata.writerRanOnThisBoot());
        }
        flipByte(dir, positions.get(damaged) + FrameDescriptor.HEADER_LENGTH + 3, SEGMENT_LENGTH);
        final Path fullScan = dir.resolveSibling(dir.getFileName() + "-full-scan");
        JournalFiles.copyDirectory(dir, fullScan);

        try (Journal journal = Journal.open(new JournalContext().directory(dir).fullRecoveryScan(false)))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(2000, report.nextSequence(), "only the last segment's tail was read: " + report);
            assertFalse(report.droppedAnything(), report.toString());
            assertEquals(positions.get(10), journal.durablePosition(), "nothing unforced is declared durable");
            try (Tailer tailer = journal.tailer())
            {
                final long[] next = {0};
                final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class, () ->
                {
                    while (tailer.poll((b, o, l, sequence, t, ty) -> assertEquals(next[0]++, sequence), 100) > 0)
                    {
                        assertTrue(next[0] <= damaged, "no record past the damage is delivered");
                    }
                });
                assertEquals(segmentOf(dir, positions.get(damaged), SEGMENT_LENGTH), ex.file());
                assertEquals(positions.get(damaged) & (SEGMENT_LENGTH - 1), ex.offset());
                assertEquals(damaged, next[0], "every record before the damage was delivered");
            }
        }
        final VerifyReport verified = new JournalVerifier(dir, Set.of()).verify();
        assertTrue(verified.hasErrors(), verified.findings().toString());
        assertEquals(positions.get(damaged) & (SEGMENT_LENGTH - 1), verified.findings().get(0).offset());

        try (Journal journal = Journal.open(new JournalContext().directory(fullScan)))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(damaged, report.nextSequence(), "the default full scan truncates at the damage: " + report);
            assertTrue(report.reason().contains("CRC32C mismatch"), report.reason());
        }
    }

    @Test
    void shouldDropUnsyncedSealedSegmentsAfterATearAndReportThem()
    {
        write(2000);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        final int inThirdSegment = indexOfFirstIn(positions, 2L * SEGMENT_LENGTH) + 5;
        rewindDurablePosition(dir, positions.get(10));
        flipByte(dir, positions.get(inThirdSegment) + FrameDescriptor.SEQUENCE_OFFSET, SEGMENT_LENGTH);

        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(inThirdSegment, report.nextSequence(), report.toString());
            assertTrue(report.reason().contains("CRC32C mismatch"), report.reason());
            assertFalse(report.deletedFiles().isEmpty(), "later segments deleted: " + report);
            assertEquals(2000 - inThirdSegment, report.droppedRecords(), report.toString());
        }
        assertEquals(inThirdSegment, countRecords());
    }

    private static int indexOfFirstIn(final List<Long> positions, final long base)
    {
        for (int i = 0; i < positions.size(); i++)
        {
            if (positions.get(i) >= base)
            {
                return i;
            }
        }
        throw new AssertionError("no record at or after " + base);
    }

    @Test
    void shouldDropSegmentWithPartialHeaderBeyondDurablePositionForEveryPrefixLength() throws Exception
    {
        final Path pristine = dir.resolve("pristine");
        write(pristine, 1000);
        final List<Long> positions = recordPositions(pristine, SEGMENT_LENGTH);
        final long secondBase = SEGMENT_LENGTH;
        final int firstInSecond = indexOfFirstIn(positions, secondBase);
        rewindDurablePosition(pristine, positions.get(firstInSecond - 1));
        final Path second = pristine.resolve(JournalDirectoryLayout.segmentFileName(secondBase));
        final byte[] header = new byte[SegmentDescriptor.HEADER_LENGTH];
        try (RandomAccessFile file = new RandomAccessFile(second.toFile(), "r"))
        {
            file.readFully(header);
        }
        for (int prefix = 0; prefix < SegmentDescriptor.HEADER_LENGTH; prefix++)
        {
            final Path copy = dir.resolve("prefix-" + prefix);
            JournalFiles.copyDirectory(pristine, copy);
            final byte[] partial = new byte[SegmentDescriptor.HEADER_LENGTH];
            System.arraycopy(header, 0, partial, 0, prefix);
            writeBytes(copy.resolve(second.getFileName()), 0, partial);
            try (Journal journal = Journal.open(new JournalContext().directory(copy)))
            {
                assertTrue(journal.appender().nextSequence() >= firstInSecond - 1, "prefix " + prefix);
                assertTrue(journal.appender().nextSequence() <= firstInSecond, "prefix " + prefix);
            }
            assertFalse(new JournalVerifier(copy, Set.of()).verify().hasErrors(), "prefix " + prefix);
        }
    }

    @Test
    void shouldRefuseDamagedHeaderOfSegmentHoldingDurableData()
    {
        write(1000);
        final Path first = dir.resolve(JournalDirectoryLayout.segmentFileName(0));
        writeBytes(first, SegmentDescriptor.VERSION_OFFSET, new byte[]{ 9, 0, 0, 0 });
        rewindDurablePosition(dir, 4000);
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertEquals(first, ex.file());
        assertTrue(ex.reason().contains("unknown segment format version: expected=1 found=9"), ex.reason());
    }

    @Test
    void shouldRefuseSegmentWithWrongMagic()
    {
        write(1000);
        final Path first = dir.resolve(JournalDirectoryLayout.segmentFileName(0));
        writeBytes(first, 0, "NOTVARVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        rewindDurablePosition(dir, 4000);
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(ex.reason().contains("bad segment magic"), ex.reason());
    }

    @Test
    void shouldRefuseTruncatedSegmentHoldingDurableData() throws Exception
    {
        final long end = write(2000);
        final Path last = segmentOf(dir, end - 1, SEGMENT_LENGTH);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw"))
        {
            file.setLength(1000);
        }
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertEquals(last, ex.file());
        assertTrue(ex.reason().contains("segment file truncated: length=1000 expected=65536"), ex.reason());
    }

    @Test
    void shouldRefuseMissingSegmentBelowDurablePosition() throws Exception
    {
        write(2000);
        final Path second = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        Files.delete(second);
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertEquals(second, ex.file());
        assertTrue(ex.reason().contains("segment file missing"), ex.reason());
    }

    @Test
    void shouldRefuseForeignFileNamingIt() throws Exception
    {
        write(10);
        Files.writeString(dir.resolve("notes.txt"), "hello");
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertEquals(dir.resolve("notes.txt"), ex.file());
        assertTrue(ex.reason().contains("foreign file"), ex.reason());
    }

    @Test
    void shouldRefuseDamagedMetadataFile()
    {
        write(10);
        writeBytes(dir.resolve(JournalDirectoryLayout.METADATA_FILE), MetadataDescriptor.SEGMENT_LENGTH_OFFSET,
            new byte[]{ 1 });
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(ex.reason().contains("metadata identity checksum mismatch"), ex.reason());
    }

    @Test
    void shouldRescanWhenBothDurableSlotsAreDamagedOnlyWhenAsked()
    {
        write(100);
        final Path meta = dir.resolve(JournalDirectoryLayout.METADATA_FILE);
        writeBytes(meta, MetadataDescriptor.DURABLE_SLOT_A_OFFSET, new byte[]{ 1, 2, 3 });
        writeBytes(meta, MetadataDescriptor.DURABLE_SLOT_B_OFFSET, new byte[]{ 1, 2, 3 });
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(ex.reason().contains("both durable position slots are damaged"), ex.reason());
        try (Journal journal = open(RecoveryMode.TRUNCATE_CORRUPTION))
        {
            assertEquals(100, journal.appender().nextSequence());
        }
    }

    @Test
    void shouldRefuseMetadataMissingBesideSegments() throws Exception
    {
        write(10);
        Files.delete(dir.resolve(JournalDirectoryLayout.METADATA_FILE));
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> open(RecoveryMode.STRICT));
        assertTrue(ex.reason().contains("metadata file missing"), ex.reason());
    }

    @Test
    void shouldScanOnlyTheTailOnOpenWhateverTheJournalSize()
    {
        write(20_000);
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(20_000, report.nextSequence());
            assertTrue(report.scannedBytes() <= IndexDescriptor.DEFAULT_INTERVAL + 256,
                "a cleanly closed 2.6 MB journal scanned " + report.scannedBytes() + " bytes");
        }
    }

    @Test
    void shouldRebuildADamagedIndexOfTheTailSegment()
    {
        final long end = write(300);
        final Path index = dir.resolve(JournalDirectoryLayout.indexFileName(end & -(long)SEGMENT_LENGTH));
        writeBytes(index, IndexDescriptor.entryOffset(1), new byte[IndexDescriptor.ENTRY_LENGTH * 3]);
        writeBytes(index, IndexDescriptor.entryOffset(2), new byte[]{ 9, 9, 9, 9, 9, 9, 9, 9 });
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            assertEquals(300, journal.appender().nextSequence());
        }
        final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
        assertTrue(report.findings().isEmpty(), report.findings().toString());
    }

    @Test
    void shouldReportNothingDroppedAfterCleanClose()
    {
        write(500);
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertFalse(report.droppedAnything(), report.toString());
            assertNull(report.truncatedFile());
        }
    }

    @Test
    void shouldRecordTheLargestFrameStartedAndClearOnlyThatFarOnTheWritersBoot() throws Exception
    {
        final long end = write(50);
        final int smallFrame = FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);
        assertEquals(smallFrame, writerMaxFrameLength());

        // what a kill in the middle of writing a small frame leaves: some of its bytes, no length
        final byte[] torn = new byte[smallFrame - Integer.BYTES];
        java.util.Arrays.fill(torn, (byte)0x5A);
        writeBytes(segmentOf(dir, end, SEGMENT_LENGTH), (end % SEGMENT_LENGTH) + Integer.BYTES, torn);
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(end, report.endPosition());
            assertEquals(torn.length + Integer.BYTES, report.droppedBytes(), report.toString());
            assertEquals(0, report.droppedRecords());
            assertEquals(Appender.MIN_FRAME_BOUND, writerMaxFrameLength(), "a new writer starts from one header");
            final UnsafeBuffer large = new UnsafeBuffer(new byte[5000]);
            journal.appender().append(large, 0, large.capacity());
            assertEquals(FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + 5000), writerMaxFrameLength());
            journal.appender().append(large, 0, PAYLOAD);
            assertEquals(FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + 5000), writerMaxFrameLength());
        }
        final VerifyReport verified = new JournalVerifier(dir, Set.of()).verify();
        assertTrue(verified.findings().isEmpty(), verified.findings().toString());
        assertEquals(52, verified.records());
    }

    @Test
    void shouldTakeOverTheSegmentPreparedAheadInsteadOfAllocatingItAgain() throws Exception
    {
        final long end = write(100);
        final long nextBase = (end & -(long)SEGMENT_LENGTH) + SEGMENT_LENGTH;
        final Path prepared = dir.resolve(JournalDirectoryLayout.segmentFileName(nextBase));
        assertTrue(Files.exists(prepared), "the writer prepares the next segment ahead");
        final Object inode = Files.getAttribute(prepared, "unix:ino");

        final int perSegment = SEGMENT_LENGTH / FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + PAYLOAD);
        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            final Appender appender = journal.appender();
            for (int i = 0; i < perSegment; i++)
            {
                payload.putLong(0, appender.nextSequence(), LITTLE_ENDIAN);
                appender.append(payload, 0, PAYLOAD);
            }
            assertTrue(appender.position() > nextBase, "rolled into the prepared segment");
        }
        assertEquals(inode, Files.getAttribute(prepared, "unix:ino"), "the same file, not a new one");
        assertEquals(100 + perSegment, countRecords());
    }

    private int writerMaxFrameLength() throws Exception
    {
        try (RandomAccessFile meta = new RandomAccessFile(
            dir.resolve(JournalDirectoryLayout.METADATA_FILE).toFile(), "r"))
        {
            meta.seek(MetadataDescriptor.WRITER_MAX_FRAME_LENGTH_OFFSET);
            return Integer.reverseBytes(meta.readInt());
        }
    }

    @Test
    void shouldWriteNoDurableSlotWhenOpeningACleanlyClosedJournal() throws Exception
    {
        final long end = write(1000);
        final Path meta = dir.resolve(JournalDirectoryLayout.METADATA_FILE);
        final byte[] slotsBefore = slots(meta);

        try (Journal journal = open(RecoveryMode.STRICT))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertEquals(end, report.durablePositionBefore());
            assertEquals(end, report.endPosition());
            assertEquals(end, journal.durablePosition());
            assertFalse(report.droppedAnything(), report.toString());
        }

        // the durable position did not move, so recovery neither rewrote a slot nor forced the metadata page for it
        assertTrue(java.util.Arrays.equals(slotsBefore, slots(meta)), "durable slots rewritten on a clean open");
        assertEquals(1000, countRecords());
    }

    @Test
    void shouldRewriteAnIndexEntryWhoseSequenceDisagreesWithItsFrame() throws Exception
    {
        write(200);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        rewindDurablePosition(dir, positions.get(0));
        final Path index = dir.resolve(JournalDirectoryLayout.indexFileName(0));
        final int entry = 3;
        final long sequenceOffset = IndexDescriptor.entryOffset(entry) + IndexDescriptor.ENTRY_SEQUENCE_OFFSET;
        final long frameOffset = readLong(index, IndexDescriptor.entryOffset(entry) +
            IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET) & 0xFFFF_FFFFL;
        final long sequence = readLong(index, sequenceOffset);
        assertTrue(frameOffset > 0 && sequence > 0, "entry " + entry + " is written");
        final byte[] wrong = new byte[Long.BYTES];
        new UnsafeBuffer(wrong).putLong(0, sequence + 1000, LITTLE_ENDIAN);
        writeBytes(index, sequenceOffset, wrong);

        try (Journal journal = open(RecoveryMode.STRICT))
        {
            assertFalse(journal.recoveryReport().droppedAnything(), journal.recoveryReport().toString());
        }

        // the entry's frame offset still matched its frame: only comparing every field finds the wrong sequence
        assertEquals(sequence, readLong(index, sequenceOffset));
        assertEquals(200, countRecords());
    }

    private static byte[] slots(final Path meta) throws Exception
    {
        final byte[] bytes = new byte[
            MetadataDescriptor.DURABLE_SLOT_B_OFFSET + MetadataDescriptor.DURABLE_SLOT_LENGTH -
            MetadataDescriptor.DURABLE_SLOT_A_OFFSET];
        try (RandomAccessFile file = new RandomAccessFile(meta.toFile(), "r"))
        {
            file.seek(MetadataDescriptor.DURABLE_SLOT_A_OFFSET);
            file.readFully(bytes);
        }
        return bytes;
    }

    private static long readLong(final Path file, final long offset) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            raf.seek(offset);
            return Long.reverseBytes(raf.readLong());
        }
    }
}
