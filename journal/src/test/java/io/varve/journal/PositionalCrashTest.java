package io.varve.journal;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link WriteMode#POSITIONAL} writer in a child JVM: tailed from this JVM while it writes, every record arrives once,
 * in order, whole; killed with SIGKILL while a batch is staged, what it wrote survives (in the page cache, synced or
 * not), what it had only staged never reached the file and is gone, and the next writer continues after the last
 * written record in either mode, with nothing for recovery to drop.
 */
class PositionalCrashTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryRecordOfAPositionalWriterInAnotherProcessWholeAndInOrder() throws Exception
    {
        final int records = 30_000;
        final Process child = ChildJvm.start(ChildWriter.class, "stream", dir.toString(), Integer.toString(records));
        try (JournalReader reader = JournalReader.awaitOpen(
            dir, Duration.ofSeconds(60), new SleepingMillisIdleStrategy(1));
            Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int polls = 0;
            while (next[0] < records && System.nanoTime() < deadline)
            {
                final int delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    assertEquals(next[0]++, sequence);
                    assertTrue(ChildWriter.matches(new UnsafeBuffer(buffer, 0, buffer.capacity()), offset, length,
                        sequence), "record " + sequence);
                }, 100);
                polls++;
                if (delivered == 0)
                {
                    Thread.onSpinWait();
                }
            }
            assertEquals(records, next[0], "every record, in order, while the child wrote them");
            assertTrue(polls > 1, "tailed while written");
        }
        finally
        {
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child finished");
            assertEquals(0, child.exitValue(),
                new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldKeepEveryWrittenRecordAndLoseOnlyTheStagedBatchWhenKilled() throws Exception
    {
        for (final WriteMode reopenMode : WriteMode.values())
        {
            final Path journalDir = dir.resolve(reopenMode.name());
            final Process child = ChildJvm.start(ChildWriter.class, "staged", journalDir.toString());
            long written = -1;
            try
            {
                final BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                final StringBuilder output = new StringBuilder();
                while ((line = out.readLine()) != null && !line.startsWith("STAGED "))
                {
                    output.append(line).append('\n');
                }
                assertTrue(line != null, "the child staged its batch: " + output);
                written = Long.parseLong(line.split(" ")[1]);
            }
            finally
            {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            assertTrue(written >= 300 && written < 350, "some of the batch is only staged: written=" + written);

            try (Journal journal = Journal.open(new JournalContext().directory(journalDir).writeMode(reopenMode)))
            {
                assertEquals(written, journal.appender().nextSequence(), "continues after the last written record");
                assertEquals(0, journal.recoveryReport().droppedRecords(), journal.recoveryReport().toString());
                final long[] next = {0};
                try (Tailer tailer = journal.tailer())
                {
                    while (tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                    {
                        assertEquals(next[0]++, sequence);
                        assertTrue(ChildWriter.matches(new UnsafeBuffer(buffer, 0,
                            buffer.capacity()), offset, length, sequence), "record " + sequence);
                    }, 1000) > 0)
                    {
                        // read everything
                    }
                }
                assertEquals(written, next[0], "every written record, none of the staged ones");
                journal.appender().append(new UnsafeBuffer(new byte[8]), 0, 8);
            }
        }
    }
}
