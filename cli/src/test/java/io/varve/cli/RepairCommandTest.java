package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.JournalDirectoryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepairCommandTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int RECORDS = 3000;
    private static final int CUT = SEGMENT_LENGTH / 4;

    @TempDir
    Path dir;

    private List<Long> appendRecords()
    {
        assertEquals(0, CliRun.run("append", dir.toString(), "--count", Integer.toString(RECORDS), "--size", "64",
            "--segment-size", "64k").exitCode());
        final List<Long> positions = new ArrayList<>();
        FrameWalker.walk(dir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) -> positions.add(p));
        return positions;
    }

    /** Every file's length, modification time and SHA-256. */
    private Map<String, String> snapshot() throws Exception
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(dir))
        {
            for (final Path path : (Iterable<Path>)paths::iterator)
            {
                final byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path));
                files.put(path.getFileName().toString(), Files.size(path) + " " +
                    Files.getLastModifiedTime(path).toInstant() + " " + HexFormat.of().formatHex(digest));
            }
        }
        return files;
    }

    private Path lastSegment(final List<Long> positions)
    {
        final long last = positions.get(positions.size() - 1);
        return dir.resolve(JournalDirectoryLayout.segmentFileName(last & -(long)SEGMENT_LENGTH));
    }

    @Test
    void shouldExitZeroAndChangeNothingWhenThereIsNothingToRepair() throws Exception
    {
        appendRecords();
        final Map<String, String> before = snapshot();
        final CliRun run = CliRun.run("repair", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("nothing to repair"), run.out());
        assertTrue(run.out().contains("next sequence " + RECORDS), run.out());
        assertEquals(before, snapshot());
    }

    @Test
    void shouldShowWhatATruncatedSegmentsRepairWouldDropWithoutChangingAByteThenRepairItWithApply() throws Exception
    {
        final List<Long> positions = appendRecords();
        final Path last = lastSegment(positions);
        final long lastBase = positions.get(positions.size() - 1) & -(long)SEGMENT_LENGTH;
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw"))
        {
            file.setLength(CUT);
        }
        int firstLost = 0;
        while (positions.get(firstLost) + FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + 64) <=
            lastBase + CUT)
        {
            firstLost++;
        }
        final long cutOffset = positions.get(firstLost) - lastBase;
        final String dropped = "records=" + (RECORDS - firstLost) + " firstSequence=" + firstLost +
            " lastSequence=" + (RECORDS - 1);

        final Map<String, String> before = snapshot();
        final CliRun plan = CliRun.run("repair", dir.toString());
        assertEquals(1, plan.exitCode(), plan.toString());
        assertTrue(plan.out().contains("DAMAGED: " + last + " " + cutOffset + " segment file truncated: length=" +
            CUT + " expected=" + SEGMENT_LENGTH), plan.out());
        assertTrue(plan.out().contains("WOULD DROP: " + dropped + " bytes="), plan.out());
        assertTrue(plan.out().contains("next sequence " + RECORDS), plan.out());
        assertTrue(plan.out().contains("varve repair --apply " + dir), plan.out());
        assertEquals(before, snapshot(), "the dry run changed nothing");

        final CliRun repair = CliRun.run("repair", "--apply", dir.toString());
        assertEquals(0, repair.exitCode(), repair.toString());
        assertTrue(repair.out().contains("DROPPED: " + dropped + " bytes="), repair.out());
        assertTrue(repair.out().contains("recorded in " + dir.resolve(JournalDirectoryLayout.REPAIR_LOG_FILE)),
            repair.out());
        final String log = Files.readString(dir.resolve(JournalDirectoryLayout.REPAIR_LOG_FILE));
        assertTrue(log.contains("offset=" + cutOffset), log);
        assertTrue(log.contains("firstDroppedSequence=" + firstLost + " lastDroppedSequence=" + (RECORDS - 1)), log);

        final CliRun again = CliRun.run("repair", dir.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("next sequence " + RECORDS), again.out());
        assertEquals(firstLost, FrameWalker.walk(dir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) -> { }),
            "every intact record before the cut is kept");
    }

    @Test
    void shouldReportTheFirstBadFrameBelowTheDurablePositionAsVerifyDoes() throws Exception
    {
        final List<Long> positions = appendRecords();
        final long bad = positions.get(1234);
        final Path segment = dir.resolve(JournalDirectoryLayout.segmentFileName(bad & -(long)SEGMENT_LENGTH));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            final long offset = (bad & (SEGMENT_LENGTH - 1)) + FrameDescriptor.HEADER_LENGTH + 9;
            file.seek(offset);
            final int value = file.read();
            file.seek(offset);
            file.write(value ^ 1);
        }
        final CliRun plan = CliRun.run("repair", dir.toString());
        assertEquals(1, plan.exitCode(), plan.toString());
        assertTrue(plan.out().contains("DAMAGED: " + segment + " " + (bad & (SEGMENT_LENGTH - 1)) +
            " CRC32C mismatch"), plan.out());
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertTrue(verify.out().startsWith(segment + " " + (bad & (SEGMENT_LENGTH - 1)) + " CRC32C mismatch"),
            verify.out());
    }

    @Test
    void shouldRefuseWithExitTwoWhileAWriterHoldsTheJournal() throws Exception
    {
        appendRecords();
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            final CliRun plan = CliRun.run("repair", dir.toString());
            assertEquals(2, plan.exitCode(), plan.toString());
            assertTrue(plan.err().contains("a writer has the journal open"), plan.err());
            final CliRun repair = CliRun.run("repair", "--apply", dir.toString());
            assertEquals(2, repair.exitCode(), repair.toString());
            assertEquals(RECORDS, journal.appender().nextSequence());
        }
    }

    @Test
    void shouldExitTwoForADirectoryThatHoldsNoJournal() throws Exception
    {
        final CliRun run = CliRun.run("repair", dir.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a journal"), run.err());
        assertEquals(2, CliRun.run("repair", dir.resolve("missing").toString()).exitCode());
    }
}
