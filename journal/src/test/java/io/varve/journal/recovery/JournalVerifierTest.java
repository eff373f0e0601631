package io.varve.journal.recovery;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.format.TailerTableDescriptor;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.VerifyReport.Finding;
import io.varve.journal.recovery.VerifyReport.Severity;
import io.varve.journal.recovery.VerifyReport.Verdict;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static io.varve.journal.recovery.JournalFiles.flipByte;
import static io.varve.journal.recovery.JournalFiles.recordPositions;
import static io.varve.journal.recovery.JournalFiles.writeBytes;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JournalVerifier} and the {@link JournalStructure} check it shares with the tools, on real journals damaged
 * by hand: one fixture per failure mode, each asserting the verdict.
 */
class JournalVerifierTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int PAYLOAD = 100;

    @TempDir
    Path dir;

    private void write(final int records, final boolean checksums)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .frameChecksums(checksums)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, appender.nextSequence(), LITTLE_ENDIAN);
                appender.append(payload, 0, PAYLOAD);
            }
        }
    }

    private VerifyReport verify()
    {
        return new JournalVerifier(dir, Set.of()).verify();
    }

    private Path segment(final long index)
    {
        return dir.resolve(JournalDirectoryLayout.segmentFileName(index * SEGMENT_LENGTH));
    }

    private static boolean names(final Finding finding, final Path file)
    {
        return finding.file().equals(file);
    }

    @Test
    void shouldNameASegmentFileThatIsNotPartOfTheChainAndStillFindTheRealTail() throws Exception
    {
        write(1000, true);
        final Path stray = dir.resolve("00000000000000999999.seg");
        Files.write(stray, new byte[SEGMENT_LENGTH]);

        final VerifyReport report = verify();
        assertTrue(report.hasErrors(), report.toString());
        assertTrue(names(report.firstError(), stray), report.firstError().toString());
        for (final Finding finding : report.findings())
        {
            assertFalse(finding.reason().contains("torn"), "the real tail is no torn tail: " + finding);
        }
        assertEquals(1000, report.records());
        // and verify agrees with opening, which refuses the same file
        assertThrows(JournalCorruptionException.class, () -> Journal.open(new JournalContext().directory(dir)));
    }

    @Test
    void shouldNoteLeftoversTheJournalDeletesOnOpenWithoutCallingThemDamage() throws Exception
    {
        write(10, true);
        Files.write(dir.resolve(JournalDirectoryLayout.METADATA_TEMPORARY_FILE), new byte[100]);
        Files.write(dir.resolve(JournalDirectoryLayout.segmentFileName(0) +
            JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX), new byte[100]);
        Files.writeString(dir.resolve(JournalStructure.REPAIR_LOG), "repaired\n");

        final VerifyReport report = verify();
        assertFalse(report.hasErrors(), report.toString());
        final List<Finding> notes = report.findings().stream().filter((f) -> f.severity() == Severity.NOTE).toList();
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.stream().anyMatch((f) -> f.file().endsWith(JournalDirectoryLayout.METADATA_TEMPORARY_FILE)));
        assertTrue(notes.stream().anyMatch((f) -> f.file().toString().endsWith(
            JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX)));
        assertFalse(report.findings().stream().anyMatch((f) -> f.file().endsWith(JournalStructure.REPAIR_LOG)));
    }

    @Test
    void shouldCountRecordsWrittenWithoutChecksumsAsNotChecked()
    {
        write(300, false);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        flipByte(dir, positions.get(100) + FrameDescriptor.HEADER_LENGTH + 20, SEGMENT_LENGTH);

        final VerifyReport report = verify();
        assertFalse(report.hasErrors(), "no checksum can find the flip: " + report);
        assertEquals(300, report.records());
        assertEquals(300, report.uncheckedRecords(), "every record was unchecked");
        assertEquals(report.bytes(), report.uncheckedBytes(), "no byte was checked by a checksum");
    }

    @Test
    void shouldCountOnlyStartedSegmentsAndTheAllocatedAheadOneApart()
    {
        write(1000, true);
        final VerifyReport report = verify();
        assertFalse(report.hasErrors(), report.toString());
        // the segment prepared ahead is there when the background preparer got to it before close (nearly always)
        final int ahead = report.allocatedAhead();
        assertTrue(ahead == 0 || ahead == 1, report.toString());
        assertEquals(report.segmentResults().size() - ahead, report.segments(), report.toString());
        assertEquals(ahead == 1 ? Verdict.ALLOCATED_AHEAD : Verdict.INTACT,
            report.segmentResults().get(report.segmentResults().size() - 1).verdict());
    }

    @Test
    void shouldEndAJournalOfOnlyAnAllocatedSegmentAtItsFirstFrameNotBelowTheDurablePosition() throws Exception
    {
        write(0, true);
        // the first segment allocated and never started, as after a crash right after its allocation
        writeBytes(segment(0), 0, new byte[SegmentDescriptor.HEADER_LENGTH]);
        Files.deleteIfExists(segment(1));

        final VerifyReport report = verify();
        assertFalse(report.hasErrors(), report.toString());
        assertEquals(0, report.segments());
        assertEquals(1, report.allocatedAhead());
        assertEquals(SegmentDescriptor.HEADER_LENGTH, report.endPosition());
        assertTrue(report.endPosition() >= report.durablePosition(), report.toString());
    }

    @Test
    void shouldGoOnPastADamagedSegmentAndJudgeEachLaterOne()
    {
        write(2000, true);
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        flipByte(dir, positions.get(10) + FrameDescriptor.HEADER_LENGTH + 5, SEGMENT_LENGTH);

        final VerifyReport report = verify();
        assertTrue(report.hasErrors());
        assertEquals(segment(0), report.firstError().file());
        final List<VerifyReport.SegmentResult> results = report.segmentResults();
        assertEquals(Verdict.DAMAGED, results.get(0).verdict());
        assertEquals(10, results.get(0).records(), "the records before the damage");
        long later = 0;
        for (int i = 1; i < results.size(); i++)
        {
            // the segment prepared ahead is there or not, as the background preparer got to it before close
            if (results.get(i).verdict() != Verdict.ALLOCATED_AHEAD)
            {
                assertEquals(Verdict.INTACT, results.get(i).verdict(), results.get(i).toString());
                later += results.get(i).records();
            }
        }
        final long inFirst = positions.stream().filter((p) -> p < SEGMENT_LENGTH).count();
        assertEquals(2000 - inFirst, later, "every record of the later segments was read");
        assertEquals(10 + later, report.records());
        assertEquals(1, report.findings().stream().filter((f) -> f.severity() == Severity.ERROR).count(),
            report.findings().toString());
    }

    @Test
    void shouldReportADeletedMiddleSegmentAndReadTheSegmentsAfterIt() throws Exception
    {
        write(2000, true);
        Files.delete(segment(1));

        final VerifyReport report = verify();
        assertTrue(report.hasErrors());
        assertEquals(segment(1), report.firstError().file());
        assertTrue(report.firstError().reason().contains("segment file missing"), report.firstError().reason());
        final List<VerifyReport.SegmentResult> results = report.segmentResults();
        assertEquals(Verdict.MISSING, results.get(1).verdict(), results.toString());
        assertEquals(segment(1), results.get(1).file());
        assertEquals(Verdict.INTACT, results.get(2).verdict(), results.toString());
        assertEquals(segment(2), results.get(2).file());
        assertEquals(481, results.get(2).records(), "read on, taking its base sequence as given");
    }

    @Test
    void shouldFlagGarbageInTheTailerTable()
    {
        write(10, true);
        final int slot = 5;
        try (MetadataFile metadata = MetadataFile.open(dir, false))
        {
            metadata.tailerTable().putInt(TailerTableDescriptor.slotOffset(slot) +
                TailerTableDescriptor.STATE_OFFSET, 0x5A5A5A5A, LITTLE_ENDIAN);
        }

        final VerifyReport report = verify();
        assertTrue(report.hasErrors(), report.toString());
        assertEquals(dir.resolve(JournalDirectoryLayout.METADATA_FILE), report.firstError().file());
        assertEquals(MetadataDescriptor.TAILER_TABLE_OFFSET + TailerTableDescriptor.slotOffset(slot),
            report.firstError().offset());
        assertTrue(report.firstError().reason().contains("tailer slot state unknown"), report.firstError().reason());
    }

    @Test
    void shouldAcceptEverySlotThatNamedTailersWrite()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            // a tailer claimed on an empty journal, one at a segment's end, one at the live end, one deleted
            journal.tailer("early").close();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            for (int i = 0; i < 2000; i++)
            {
                journal.appender().append(payload, 0, PAYLOAD);
            }
            final int perSegment = (int)recordPositions(dir, SEGMENT_LENGTH).stream()
                .filter((p) -> p < SEGMENT_LENGTH).count();
            try (Tailer boundary = journal.tailer("boundary"); Tailer end = journal.tailer("end");
                Tailer gone = journal.tailer("gone"))
            {
                assertEquals(perSegment, boundary.poll((b, o, l, sq, t, ty) -> { }, perSegment));
                int read = 0;
                while (read < 2000)
                {
                    read += end.poll((b, o, l, sq, t, ty) -> { }, 500);
                }
                gone.poll((b, o, l, sq, t, ty) -> { }, 10);
            }
            assertTrue(journal.reader().deleteTailerName("gone"));
        }
        final VerifyReport report = verify();
        assertFalse(report.hasErrors(), report.findings().toString());
        assertTrue(report.findings().isEmpty(), report.findings().toString());
    }

    @Test
    void shouldNameAHeaderProblemAtOffsetZeroAndAWholeFileProblemAtMinusOne() throws Exception
    {
        write(2000, true);
        writeBytes(segment(1), SegmentDescriptor.BASE_SEQUENCE_OFFSET, new byte[]{ 7 });
        VerifyReport report = verify();
        assertEquals(segment(1), report.firstError().file());
        assertEquals(0, report.firstError().offset(), report.firstError().toString());
        assertTrue(report.firstError().reason().contains("segment header checksum mismatch"));

        assertEquals(Verdict.INTACT, report.segmentResults().get(2).verdict(), "read on after it");

        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(segment(2).toFile(), "rw"))
        {
            file.setLength(SEGMENT_LENGTH / 2);
        }
        report = verify();
        final Finding truncated = report.findings().stream().filter((f) -> f.file().equals(segment(2))).findFirst()
            .orElseThrow();
        assertEquals(Severity.ERROR, truncated.severity());
        assertEquals(-1, truncated.offset(), truncated.toString());
        assertTrue(truncated.reason().contains("segment file truncated"), truncated.reason());
        assertEquals(Verdict.INTACT, report.segmentResults().get(3).verdict(), "read on after it");
    }

    @Test
    void shouldShareTheStructureVerdictWithTheTools() throws Exception
    {
        write(2000, true);
        assertFalse(JournalStructure.check(dir, Set.of()).hasErrors());
        Files.delete(segment(1));
        final JournalStructure structure = JournalStructure.check(dir, Set.of());
        assertTrue(structure.hasErrors());
        assertEquals(verify().firstError(), structure.findings().stream()
            .filter((f) -> f.severity() == Severity.ERROR).findFirst().orElseThrow());
    }
}
