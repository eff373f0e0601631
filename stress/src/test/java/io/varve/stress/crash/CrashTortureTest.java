package io.varve.stress.crash;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.write.Appender;
import io.varve.stress.ChildProcess;
import io.varve.stress.JournalContents;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import io.varve.stress.VarveCli;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash torture: a writer in a child JVM ({@link CrashWriter}) appends records of random sizes with random syncs
 * and reports every acknowledged durable position over a pipe; the parent SIGKILLs it at a random moment (during
 * JVM start, recovery, appending, a roll, a force), then checks the journal it left:
 * <ul>
 *     <li>{@code varve verify} finds no damage below the durable position;</li>
 *     <li>opening recovers it, and every acknowledged record is there;</li>
 *     <li>every record reads back intact and in order, so no corrupt record is readable;</li>
 *     <li>a torn tail that verify warned about is what recovery reports truncating, at the same file and offset;</li>
 *     <li>appending continues, and the closed journal verifies clean.</li>
 * </ul>
 * Cycles: {@code -Dvarve.stress.cycles} (CI: a few dozen). A new journal starts every {@value #CYCLES_PER_JOURNAL}
 * cycles so that reading a journal back stays cheap.
 */
class CrashTortureTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int CYCLES_PER_JOURNAL = 8;

    @Test
    void shouldKeepEveryAcknowledgedRecordAcrossRandomSigkills() throws Exception
    {
        final long seed = StressSettings.seed();
        final int cycles = StressSettings.cycles();
        System.out.println("CrashTortureTest: seed=" + seed + " cycles=" + cycles);
        final SplittableRandom random = new SplittableRandom(seed);
        final Path root = StressSettings.scratchDirectory("varve-crash-");
        final CycleStats stats = new CycleStats();
        try
        {
            Path directory = null;
            RecordPattern pattern = null;
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                if (cycle % CYCLES_PER_JOURNAL == 0)
                {
                    if (directory != null)
                    {
                        StressSettings.deleteTree(directory);
                    }
                    directory = root.resolve("journal-" + cycle);
                    pattern = new RecordPattern(random.nextLong());
                }
                final boolean fullScan = random.nextBoolean();
                final String where = "seed=" + seed + " cycle=" + cycle + " fullRecoveryScan=" + fullScan;
                final Acknowledged acknowledged = killWriter(directory, pattern, random, where, stats);
                checkAfterKill(directory, pattern, acknowledged, where, stats, fullScan);
            }
        }
        finally
        {
            StressSettings.deleteTree(root);
        }
        System.out.println("CrashTortureTest: " + stats);
        assertTrue(stats.acknowledged > 0, "the writers acknowledged nothing in " + cycles + " cycles");
    }

    private record Acknowledged(long durablePosition, long nextSequence)
    {
    }

    private static Acknowledged killWriter(
        final Path directory, final RecordPattern pattern, final SplittableRandom random, final String where,
        final CycleStats stats)
    {
        final ChildProcess child = ChildProcess.java(CrashWriter.class, directory.toString(),
            Long.toString(pattern.seed()), Long.toString(random.nextLong()), Integer.toString(SEGMENT_LENGTH));
        long durable = 0;
        long next = 0;
        try
        {
            final boolean blind = random.nextInt(5) == 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(blind ? random.nextInt(700) : 30_000);
            boolean open = false;
            while (true)
            {
                final String line = child.pollLine(deadline);
                if (line == null)
                {
                    if (System.nanoTime() - deadline >= 0 || !child.isAlive())
                    {
                        break;
                    }
                    continue;
                }
                if (line.startsWith("OPEN ") && !open)
                {
                    open = true;
                    if (!blind)
                    {
                        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(400));
                    }
                }
                else if (line.startsWith("ACK "))
                {
                    final String[] parts = line.split(" ");
                    durable = Math.max(durable, Long.parseLong(parts[1]));
                    next = Math.max(next, Long.parseLong(parts[2]));
                }
                else if (line.contains("Exception") || line.contains("Error"))
                {
                    throw new AssertionError(where + ": the writer failed: " + child.tail());
                }
            }
            assertTrue(child.isAlive(), where + ": the writer died before the kill: " + child.tail());
            assertTrue(blind || open, where + ": the writer did not open the journal: " + child.tail());
            if (!open)
            {
                stats.beforeOpen++;
            }
        }
        finally
        {
            child.kill();
        }
        for (final String line : child.drain())
        {
            if (line.startsWith("ACK "))
            {
                final String[] parts = line.split(" ");
                durable = Math.max(durable, Long.parseLong(parts[1]));
                next = Math.max(next, Long.parseLong(parts[2]));
            }
        }
        stats.cycles++;
        stats.acknowledged = Math.max(stats.acknowledged, next);
        return new Acknowledged(durable, next);
    }

    private static void checkAfterKill(
        final Path directory, final RecordPattern pattern, final Acknowledged acknowledged, final String where,
        final CycleStats stats, final boolean fullScan)
    {
        if (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            assertEquals(0, acknowledged.nextSequence(), where + ": acknowledged records but no journal.meta");
            stats.beforeCreation++;
            return;
        }
        final VerifyReport before = JournalContents.verify(directory);
        assertFalse(before.hasErrors(), where + ": verify after SIGKILL: " + before.findings());
        final VerifyReport.Finding torn = firstFrameWarning(before);

        final long nextSequence;
        // both ways of recovering on the writer's own boot: the full walk from the durable position, and the tail only
        try (Journal journal = Journal.open(new JournalContext().directory(directory).fullRecoveryScan(fullScan)))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertTrue(report.nextSequence() >= acknowledged.nextSequence(),
                where + ": acknowledged up to sequence " + acknowledged.nextSequence() + " but " + report);
            assertTrue(report.endPosition() >= acknowledged.durablePosition(),
                where + ": acknowledged up to position " + acknowledged.durablePosition() + " but " + report);
            if (torn != null)
            {
                stats.tornTails++;
                assertTrue(report.droppedAnything(), where + ": verify saw a torn tail " + torn + ", recovery " +
                    "reported nothing: " + report);
                assertEquals(torn.file(), report.truncatedFile(), where + ": " + torn + " vs " + report);
                assertEquals(torn.offset(), report.truncatedOffset(), where + ": " + torn + " vs " + report);
            }
            else
            {
                assertEquals(null, report.truncatedFile(), where + ": verify saw no torn tail: " + before.findings() +
                    " but " + report);
            }
            final JournalContents.Contents contents = JournalContents.readAll(journal.tailer(), pattern);
            assertEquals(report.nextSequence(), contents.nextSequence(), where + ": " + report);
            stats.records += contents.records();

            final Appender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
            for (int i = 0; i < 3; i++)
            {
                final long sequence = appender.nextSequence();
                pattern.fill(payload, 0, sequence);
                appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
            }
            appender.sync();
            nextSequence = appender.nextSequence();
        }
        final VerifyReport after = JournalContents.verify(directory);
        assertTrue(after.findings().isEmpty(), where + ": verify after reopening and closing: " + after.findings());
        assertEquals(nextSequence, after.records(), where);
        final VarveCli.Result cli = VarveCli.verify(directory);
        assertEquals(0, cli.exitCode(), where + ": varve verify: " + cli);
    }

    /**
     * The first warning about frames of a segment: where a torn tail starts. A segment file whose allocation the kill
     * cut short is a whole-file warning (offset -1) with no truncation point.
     */
    private static VerifyReport.Finding firstFrameWarning(final VerifyReport report)
    {
        for (final VerifyReport.Finding finding : report.findings())
        {
            if (finding.severity() == VerifyReport.Severity.WARNING && finding.offset() >= 0 &&
                finding.file().getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX))
            {
                return finding;
            }
        }
        return null;
    }

    private static final class CycleStats
    {
        private int cycles;
        private int beforeOpen;
        private int beforeCreation;
        private int tornTails;
        private long records;
        private long acknowledged;

        public String toString()
        {
            return "cycles=" + cycles + " killedBeforeOpenReturned=" + beforeOpen + " killedBeforeJournalExisted=" +
                beforeCreation + " tornTailsRecovered=" +
                tornTails + " recordsReadBack=" + records + " maxAcknowledgedSequence=" + acknowledged;
        }
    }
}
