package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings of an adversarial run against the command line, each reproduced with real files damaged by hand.
 */
class AdversaryFindingsTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    private void append(final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("append", dir.toString(), "--count",
            Integer.toString(RECORDS), "--size", "100", "--segment-size", "64k"));
        args.addAll(List.of(extra));
        final CliRun run = CliRun.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.toString());
    }

    private Path segment(final long base)
    {
        return dir.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    /** The last started segment (and the one allocated ahead) deleted: 3000 records of 100 bytes end in the 7th. */
    private void deleteLastSegment() throws Exception
    {
        Files.delete(segment(6L * SEGMENT_LENGTH));
        Files.deleteIfExists(segment(7L * SEGMENT_LENGTH));
    }

    @Test
    void repairOfAMissingLastSegmentCountsItsRecordsAndNeverHandsTheirSequencesOutAgain() throws Exception
    {
        append();
        deleteLastSegment();

        final CliRun plan = CliRun.run("repair", dir.toString());
        assertEquals(1, plan.exitCode(), plan.toString());
        assertFalse(plan.out().contains("records=0 "), plan.toString());
        assertTrue(plan.out().contains("lastSequence=" + (RECORDS - 1)), plan.toString());
        assertTrue(plan.out().contains("next sequence " + RECORDS), plan.toString());

        final CliRun apply = CliRun.run("repair", dir.toString(), "--apply");
        assertEquals(0, apply.exitCode(), apply.toString());
        final CliRun again = CliRun.run("append", dir.toString(), "--count", "1", "--size", "8");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("sequences " + RECORDS + ".." + RECORDS), again.toString());
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
    }

    @Test
    void tailFailsAtAMissingLastSegmentTheDurablePositionLiesIn() throws Exception
    {
        append();
        deleteLastSegment();
        final CliRun tail = CliRun.run("tail", dir.toString());
        assertEquals(1, tail.exitCode(), tail.toString());
        assertTrue(tail.err().contains(segment(6L * SEGMENT_LENGTH).getFileName().toString()), tail.toString());
        assertTrue(tail.err().contains("durablePosition="), tail.toString());
    }

    @Test
    void verifyAndTheToolsReportTheOldestSegmentDeletedByHand() throws Exception
    {
        append();
        Files.delete(segment(0));
        for (final String command : new String[] {"verify", "describe", "stat", "dump", "repair"})
        {
            final CliRun run = CliRun.run(command, dir.toString());
            assertEquals(1, run.exitCode(), command + ": " + run);
            assertTrue(run.out().contains("segment files missing before the first one"), command + ": " + run);
        }
        final CliRun opened = CliRun.run("append", dir.toString(), "--count", "1", "--size", "8");
        assertEquals(1, opened.exitCode(), opened.toString());

        assertEquals(0, CliRun.run("repair", dir.toString(), "--apply").exitCode());
        assertTrue(Files.readString(dir.resolve("repair.log")).contains("records 0.."));
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
    }

    @Test
    void compactWithAGraceLongerThanNanosecondsCountKeepsEveryTombstoneInsteadOfFailing()
    {
        append("--keys", "500", "--tombstones", "20");
        final CliRun run = CliRun.run("compact", dir.toString(), "--tombstone-grace", "P99999999999D");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("and 0 tombstones"), run.toString());
        assertEquals(0, CliRun.run("verify", dir.toString()).exitCode());
    }

    @Test
    void commandsThatNeedTheWriterLockExitTwoWhenAWriterHoldsIt()
    {
        append();
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(RECORDS, journal.appender().nextSequence());
            for (final String[] args : new String[][] {
                {"compact", dir.toString()},
                {"append", dir.toString(), "--count", "1", "--size", "8"},
                {"repair", dir.toString(), "--apply"}})
            {
                final CliRun run = CliRun.run(args);
                assertEquals(2, run.exitCode(), args[0] + ": " + run);
                assertTrue(run.err().contains("close it first"), args[0] + ": " + run);
            }
        }
    }

    @Test
    void dumpSaysItSkipsTheFramesAfterADamagedOneInItsSegment() throws Exception
    {
        append();
        // a payload byte of the 30th record in the third segment: 481 records of 136 bytes fill a segment
        final long offset = 64 + 29 * 136 + 40;
        try (RandomAccessFile file = new RandomAccessFile(segment(2L * SEGMENT_LENGTH).toFile(), "rw"))
        {
            file.seek(offset);
            final int value = file.read();
            file.seek(offset);
            file.write(value ^ 0xff);
        }
        final CliRun run = CliRun.run("dump", dir.toString(), "--from", "seq:" + (2 * 481 + 30), "--count", "2");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("DAMAGED @" + (64 + 29 * 136) + " (position " + (2L * SEGMENT_LENGTH + 64 +
            29 * 136) + "): CRC32C mismatch"), run.toString());
        assertTrue(run.out().contains("the frames after it in this segment are not shown"), run.toString());
    }

    @Test
    void aDirectoryNamedLikeASegmentIsForeignToVerifyAndToOpening() throws Exception
    {
        append();
        final Path directory = Files.createDirectory(segment(20L * SEGMENT_LENGTH));
        Files.writeString(directory.resolve("kept.txt"), "not the journal's");
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(1, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("foreign file"), verify.toString());
        final CliRun opened = CliRun.run("append", dir.toString(), "--count", "1", "--size", "8");
        assertEquals(1, opened.exitCode(), opened.toString());
        assertTrue(opened.err().contains(directory.getFileName().toString()), opened.toString());
        assertTrue(Files.exists(directory.resolve("kept.txt")));
    }

    @Test
    void dumpRefusesASegmentPathFromAnotherDirectoryInsteadOfDumpingItsOwnFileOfThatName() throws Exception
    {
        append();
        final Path other = Files.createDirectory(dir.resolve("..").resolve(dir.getFileName() + "-other"));
        try
        {
            final Path foreign = Files.copy(segment(0), other.resolve(segment(0).getFileName()));
            final CliRun run = CliRun.run("dump", dir.toString(), "--segment", foreign.toString());
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("outside"), run.toString());
            final CliRun own = CliRun.run("dump", dir.toString(), "--segment", segment(0).toString());
            assertEquals(0, own.exitCode(), own.toString());
        }
        finally
        {
            Files.deleteIfExists(other.resolve(segment(0).getFileName()));
            Files.deleteIfExists(other);
        }
    }

    @Test
    void appendWithBatchFsyncForcesPerBatchNotOnlyAtTheEnd()
    {
        append("--fsync", "batch");
        final CliRun stat = CliRun.run("stat", dir.toString());
        assertEquals(0, stat.exitCode(), stat.toString());
        final String line = stat.out().lines().filter(l -> l.contains("fsyncs (session)")).findFirst().orElseThrow();
        final long fsyncs = Long.parseLong(line.substring(line.indexOf(':') + 1, line.indexOf(" - ")).strip()
            .replace(",", ""));
        assertTrue(fsyncs >= RECORDS / 256, line);
    }

    @Test
    void tailFollowFailsWhenTheSegmentItWaitsInIsDeleted() throws Exception
    {
        append();
        final CompletableFuture<CliRun> tail = CompletableFuture.supplyAsync(
            () -> CliRun.run("tail", dir.toString(), "--follow", "--from", "end"));
        Thread.sleep(1500);
        Files.delete(segment(6L * SEGMENT_LENGTH));
        final CliRun run = tail.get(20, TimeUnit.SECONDS);
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("segment file deleted under the tailer"), run.toString());
    }
}
