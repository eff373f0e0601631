package io.varve.stress.race;

import io.varve.journal.recovery.VerifyReport;
import io.varve.stress.ChildProcess;
import io.varve.stress.JournalContents;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second-writer races: two writer processes ({@link RacingWriter}) open the same journal for writing at the same
 * wall-clock instant, race after race, sometimes on a directory that holds no journal yet so that both race to
 * create it. In every race exactly one wins; the other gets {@code WriterLockedException} naming the winner's PID;
 * the winner's appends land; and the journal, read back and verified every few races, holds every record intact.
 * Races: {@code -Dvarve.stress.races} (CI 150).
 */
class SecondWriterRaceTest
{
    private static final int RACES_PER_JOURNAL = 25;

    @Test
    void shouldLetExactlyOneOfTwoSimultaneousWritersIn()
    {
        final long seed = StressSettings.seed();
        final int races = StressSettings.races();
        System.out.println("SecondWriterRaceTest: seed=" + seed + " races=" + races);
        final SplittableRandom random = new SplittableRandom(seed);
        final Path root = StressSettings.scratchDirectory("varve-race-");
        final ChildProcess[] writers = {ChildProcess.java(RacingWriter.class), ChildProcess.java(RacingWriter.class)};
        final int[] wins = new int[2];
        try
        {
            for (final ChildProcess writer : writers)
            {
                writer.awaitLine("READY ", 60_000);
            }
            Path directory = null;
            RecordPattern pattern = null;
            long records = 0;
            for (int race = 0; race < races; race++)
            {
                if (race % RACES_PER_JOURNAL == 0)
                {
                    directory = root.resolve("journal-" + race);
                    pattern = new RecordPattern(random.nextLong());
                    records = 0;
                }
                final String where = "seed=" + seed + " race=" + race;
                final int count = 1 + random.nextInt(200);
                final long at = System.currentTimeMillis() + 40;
                final int first = random.nextInt(2);
                for (int i = 0; i < 2; i++)
                {
                    writers[(first + i) % 2].send("OPEN " + race + " " + directory + " " + at + " " + pattern.seed() +
                        " " + count);
                }
                final int winner = settle(writers, race, where);
                wins[winner]++;
                final String appended = writers[winner].awaitLine("APPENDED " + race + " ", 60_000);
                records += count;
                assertEquals(records, Long.parseLong(appended.split(" ")[2]), where + ": " + appended);
                writers[winner].send("CLOSE " + race);
                writers[winner].awaitLine("CLOSED " + race, 60_000);
                if ((race + 1) % RACES_PER_JOURNAL == 0 || race == races - 1)
                {
                    checkJournal(directory, pattern, records, where);
                }
            }
            for (final ChildProcess writer : writers)
            {
                writer.send("EXIT");
                assertEquals(0, writer.waitFor(30_000));
            }
        }
        finally
        {
            for (final ChildProcess writer : writers)
            {
                writer.close();
            }
            StressSettings.deleteTree(root);
        }
        System.out.println("SecondWriterRaceTest: races=" + races + " wonByFirstProcess=" + wins[0] +
            " wonBySecondProcess=" + wins[1]);
    }

    /**
     * @return which writer won.
     */
    private static int settle(final ChildProcess[] writers, final int race, final String where)
    {
        final String[] answers = new String[2];
        for (int i = 0; i < 2; i++)
        {
            String line;
            do
            {
                line = writers[i].nextLine(60_000);
                assertTrue(line != null, where + ": writer " + i + " died: " + writers[i].tail());
            }
            while (!(line.startsWith("WON " + race + " ") || line.startsWith("LOCKED " + race + " ") ||
                line.startsWith("ERROR " + race + " ")));
            answers[i] = line;
        }
        final boolean firstWon = answers[0].startsWith("WON ");
        final boolean secondWon = answers[1].startsWith("WON ");
        assertTrue(firstWon ^ secondWon, where + ": exactly one must win: " + answers[0] + " | " + answers[1]);
        final int winner = firstWon ? 0 : 1;
        final String locked = answers[1 - winner];
        assertTrue(locked.startsWith("LOCKED "), where + ": " + locked);
        final long ownerPid = Long.parseLong(locked.split(" ")[2]);
        assertEquals(writers[winner].pid(), ownerPid, where + ": the loser must name the winner: " + locked);
        assertTrue(locked.contains("ownerPid=" + writers[winner].pid()), where + ": " + locked);
        return winner;
    }

    private static void checkJournal(
        final Path directory, final RecordPattern pattern, final long records, final String where)
    {
        final JournalContents.Contents contents = JournalContents.readAll(directory, pattern);
        assertEquals(records, contents.records(), where);
        final VerifyReport report = JournalContents.verify(directory);
        assertTrue(report.findings().isEmpty(), where + ": " + report.findings());
        assertEquals(records, report.records(), where);
    }
}
