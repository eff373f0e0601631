package io.varve.journal.backup;

import io.varve.journal.ChildJvm;
import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalBackupTest
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    @TempDir
    Path dir;

    private long walk(final Path journal)
    {
        final long[] next = {0};
        return FrameWalker.walk(journal, SEGMENT_LENGTH, (buffer, offset, length, sequence, ts, type, position) ->
        {
            assertEquals(next[0]++, sequence);
            assertTrue(ChildWriter.matches(buffer, offset, length, sequence), "record " + sequence);
        });
    }

    @Test
    void shouldCopyAConsistentJournalWhileTheWriterKeepsAppending() throws Exception
    {
        final Path source = dir.resolve("source");
        final AtomicBoolean running = new AtomicBoolean(true);
        final long[] appended = {0};
        final BackupReport report;
        try (Journal journal = Journal.open(new JournalContext().directory(source).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            for (int i = 0; i < 20_000; i++)
            {
                ChildWriter.fill(payload, i);
                appender.append(payload, 0, ChildWriter.payloadLength(i));
            }
            appender.sync();
            final Thread writer = new Thread(() ->
            {
                while (running.get())
                {
                    final long sequence = appender.nextSequence();
                    ChildWriter.fill(payload, sequence);
                    appender.append(payload, 0, ChildWriter.payloadLength(sequence));
                    if (sequence % 1000 == 0)
                    {
                        appender.sync();
                    }
                }
                appended[0] = appender.nextSequence();
            });
            writer.start();
            report = JournalBackup.backup(source, dir.resolve("copy"));
            running.set(false);
            writer.join();
        }
        assertFalse(report.verification().hasErrors(), report.verification().findings().toString());
        assertTrue(report.verification().findings().isEmpty(), report.verification().findings().toString());
        final long copied = walk(dir.resolve("copy"));
        assertTrue(copied >= 20_000, "everything durable at the start is in the copy: " + copied);
        assertTrue(copied < appended[0], "the writer went on after the backup's snapshot point");
        assertEquals(report.verification().records(), copied);

        try (Journal opened = Journal.open(new JournalContext().directory(dir.resolve("copy"))))
        {
            assertEquals(copied, opened.appender().nextSequence(), "the copy opens as a journal");
            assertFalse(opened.recoveryReport().droppedAnything(), opened.recoveryReport().toString());
        }
        final BackupReport restored = JournalBackup.restore(dir.resolve("copy"), dir.resolve("restored"));
        assertFalse(restored.verification().hasErrors());
        assertEquals(copied, walk(dir.resolve("restored")));
        assertThrows(JournalConfigurationException.class, () -> JournalBackup.backup(source, dir.resolve("copy")));
    }

    @Test
    void shouldLeaveNoHalfMadeBackupWhenKilledMidWay() throws Exception
    {
        final Path source = dir.resolve("source");
        try (Journal journal = Journal.open(new JournalContext().directory(source).segmentLength(SEGMENT_LENGTH)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            for (int i = 0; i < 400_000; i++)
            {
                ChildWriter.fill(payload, i);
                journal.appender().append(payload, 0, ChildWriter.payloadLength(i));
            }
        }
        final Path destination = dir.resolve("copy");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            final Process child = ChildJvm.start(ChildWriter.class, "backup", source.toString(),
                destination.toString());
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("BACKING UP", out.readLine());
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 60));
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            if (Files.exists(destination))
            {
                // the kill came after the rename: then the copy is complete
                assertEquals(400_000, walk(destination));
                return;
            }
            try (Stream<Path> leftovers = Files.list(dir))
            {
                assertTrue(leftovers.noneMatch((p) -> p.getFileName().toString().equals("copy")));
            }
        }
        final BackupReport report = JournalBackup.backup(source, destination);
        assertFalse(report.verification().hasErrors());
        assertEquals(400_000, walk(destination), "a later backup to the same destination succeeds");
    }
}
