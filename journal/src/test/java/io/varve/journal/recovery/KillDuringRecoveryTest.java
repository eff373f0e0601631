package io.varve.journal.recovery;

import io.varve.journal.ChildJvm;
import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.FrameWalker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.varve.journal.recovery.JournalFiles.rewindDurablePosition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer's open killed with SIGKILL at random points of a long recovery (a full scan of 50 MiB written after the
 * durable position, as after a reboot), again and again: each next open must finish what the last one started, and
 * the journal must end with every record the first writer wrote, each intact.
 */
class KillDuringRecoveryTest
{
    private static final int SEGMENT_LENGTH = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryRecordWhenOpensAreKilledDuringRecovery() throws Exception
    {
        final Process writer = ChildJvm.start(ChildWriter.class, "unsynced", dir.toString(), "200");
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        final String synced = out.readLine();
        assertTrue(synced.startsWith("SYNCED "), synced);
        final long syncedPosition = Long.parseLong(synced.split(" ")[1]);
        final String written = out.readLine();
        assertTrue(written.startsWith("WRITTEN "), written);
        final long writtenSequence = Long.parseLong(written.split(" ")[2]);
        writer.destroyForcibly();
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));

        final Random random = new Random(42);
        int killed = 0;
        int opened = 0;
        for (int attempt = 0; attempt < 12; attempt++)
        {
            // the host rebooted: nothing after the last sync is trusted, recovery reads it all
            rewindDurablePosition(dir, syncedPosition);
            final Process open = ChildJvm.start(ChildWriter.class, "open", dir.toString());
            final boolean exited = open.waitFor(150 + random.nextInt(900), TimeUnit.MILLISECONDS);
            if (!exited)
            {
                open.destroyForcibly();
                open.waitFor(30, TimeUnit.SECONDS);
                killed++;
            }
            else
            {
                final String output = new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(output.contains("OPENED"), output);
                opened++;
            }
        }
        assertTrue(killed > 0, "some opens were killed: killed=" + killed + " opened=" + opened);

        final long records;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).recoveryMode(RecoveryMode.STRICT)))
        {
            records = journal.appender().nextSequence();
        }
        assertTrue(records >= writtenSequence, "every record written is kept: " + records + " < " + writtenSequence);
        final long walked = FrameWalker.walk(dir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) ->
            assertTrue(ChildWriter.matches(new UnsafeBuffer(b, o, l), 0, l, s), "record " + s + " intact"));
        assertEquals(records, walked);
        final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
        assertFalse(report.hasErrors(), report.findings().toString());
    }
}
