package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactCommandTest
{
    private static final int KEYS = 10;
    private static final int UPDATES = 400;

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheNewestRecordOfEachKeyAndVerifyClean()
    {
        final Path journal = dir.resolve("j");
        writeKeyedUpdates(journal);

        final CliRun compact = CliRun.run("compact", journal.toString(), "--tombstone-grace", "PT0S");
        assertEquals(0, compact.exitCode(), compact.toString());
        assertTrue(compact.out().matches("(?s)compacted [1-9]\\d* segments in .*; " + KEYS + " keys\\n"),
            compact.out());
        assertEquals(0, CliRun.run("verify", journal.toString()).exitCode());

        // every key's newest value is still there, after the compacted ones
        final CliRun tail = CliRun.run("tail", journal.toString(), "--format", "text");
        assertEquals(0, tail.exitCode(), tail.toString());
        assertTrue(tail.out().lines().count() < KEYS * UPDATES, "compaction dropped superseded records");
    }

    @Test
    void shouldRefuseBadArgumentsAndAJournalItCannotHave()
    {
        final CliRun missing = CliRun.run("compact", dir.resolve("none").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("not a journal"), missing.err());
        assertFalse(Files.exists(dir.resolve("none")), "refusing must not create a journal");

        final Path journal = dir.resolve("j");
        writeKeyedUpdates(journal);
        final CliRun badGrace = CliRun.run("compact", journal.toString(), "--tombstone-grace", "a day");
        assertEquals(2, badGrace.exitCode(), badGrace.toString());

        try (Journal writer = Journal.open(new JournalContext().directory(journal)))
        {
            final CliRun locked = CliRun.run("compact", writer.directory().toString());
            assertTrue(locked.exitCode() != 0, locked.toString());
            assertTrue(locked.err().contains(Long.toString(ProcessHandle.current().pid())),
                "names the writer's pid: " + locked.err());
        }
    }

    private static void writeKeyedUpdates(final Path journal)
    {
        try (Journal writer = Journal.open(new JournalContext().directory(journal).segmentLength(65536)))
        {
            final Appender appender = writer.appender();
            final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < KEYS * UPDATES; i++)
            {
                final UnsafeBuffer key = new UnsafeBuffer(("key-" + (i % KEYS)).getBytes(StandardCharsets.US_ASCII));
                value.putInt(0, i);
                appender.appendKeyed(key, 0, key.capacity(), value, 0, value.capacity(), 1, 1, false);
            }
            appender.sync();
        }
    }
}
