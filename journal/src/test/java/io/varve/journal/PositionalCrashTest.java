package io.varve.journal;

import io.varve.journal.read.Tailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link WriteMode#POSITIONAL} writer in a child JVM killed with SIGKILL while a batch is staged: what it wrote
 * survives (in the page cache, synced or not), what it had only staged never reached the file and is gone, and the
 * next writer continues after the last written record in either mode, with nothing for recovery to drop.
 */
class PositionalCrashTest
{
    @TempDir
    Path dir;

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
                        assertTrue(ChildWriter.matches(new org.agrona.concurrent.UnsafeBuffer(buffer, 0,
                            buffer.capacity()), offset, length, sequence), "record " + sequence);
                    }, 1000) > 0)
                    {
                        // read everything
                    }
                }
                assertEquals(written, next[0], "every written record, none of the staged ones");
                journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
            }
        }
    }
}
