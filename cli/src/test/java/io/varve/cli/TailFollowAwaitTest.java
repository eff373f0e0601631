package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve tail --follow} started before the writer waits for the journal to appear.
 */
class TailFollowAwaitTest
{
    @TempDir
    Path root;

    @Test
    void shouldWaitForTheJournalToAppearWhenFollowing() throws Exception
    {
        final Path dir = root.resolve("orders");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicInteger exitCode = new AtomicInteger(-1);
        final Thread follower = new Thread(() -> exitCode.set(VarveCommand.run(
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            "tail", dir.toString(), "--follow", "--count", "3")));
        follower.start();
        Thread.sleep(300);
        assertTrue(follower.isAlive(), "waiting for the journal: " + err.toString(StandardCharsets.UTF_8));

        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 3; i++)
            {
                journal.appender().append(payload, 0, 16);
            }
            follower.join(30_000);
        }
        assertFalse(follower.isAlive());
        assertEquals(0, exitCode.get(), err.toString(StandardCharsets.UTF_8));
        assertEquals(3, out.toString(StandardCharsets.UTF_8).lines().count(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldStillFailAtOnceWithoutFollow()
    {
        final CliRun run = CliRun.run("tail", root.resolve("absent").toString());
        assertEquals(VarveCommand.USAGE_OR_IO, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a journal"), run.toString());
    }
}
