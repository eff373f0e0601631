package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintLiveCountersAndTailerLagWhileTheWriterRuns()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
            for (int i = 0; i < 1000; i++)
            {
                journal.appender().append(payload, 0, 100);
            }
            try (Tailer tailer = journal.tailer("risk-engine"))
            {
                assertEquals(400, tailer.poll((b, o, l, s, t, ty) -> { }, 400));
            }
            final CliRun run = CliRun.run("stat", dir.toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().contains("writer pid: " + ProcessHandle.current().pid() + " (running)"), run.out());
            assertTrue(run.out().matches("(?s).*\\n\\s+1:\\s+1,000 - next sequence\\n.*"), run.out());
            assertTrue(run.out().contains("- durable position"), run.out());
            assertTrue(run.out().contains("- fsyncs (session)"), run.out());
            assertTrue(run.out().contains("risk-engine"), run.out());
            assertTrue(run.out().contains("sequence 400 lag 600 records"), run.out());
            assertTrue(run.out().contains("last error: none"), run.out());

            final CliRun watch = CliRun.run("stat", dir.toString(), "--watch", "0.01", "--iterations", "3");
            assertEquals(3, watch.out().split("journal ", -1).length - 1, watch.out());
        }
        final CliRun closed = CliRun.run("stat", dir.toString());
        assertTrue(closed.out().contains("writer pid: none (closed cleanly)"), closed.out());
        assertEquals(2, CliRun.run("stat", dir.toString(), "--watch", "-1").exitCode());
        assertEquals(2, CliRun.run("stat", dir.toString(), "--watch", "0").exitCode());
        final CliRun missing = CliRun.run("stat", dir.resolve("none").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("not a journal"), missing.err());
    }
}
