package io.varve.journal.storage;

import io.varve.journal.ChildJvm;
import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.WriterLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriterLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRejectSecondWriterInThisProcessWithOwnPid()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final WriterLockedException ex = assertThrows(WriterLockedException.class,
                () -> Journal.open(new JournalContext().directory(dir)));
            assertEquals(ProcessHandle.current().pid(), ex.ownerPid());
            assertTrue(ex.getMessage().contains(dir.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("ownerPid=" + ProcessHandle.current().pid()), ex.getMessage());
            journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
        }
        try (Journal reopened = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(1, reopened.appender().nextSequence(), "the refused open damaged nothing");
        }
    }

    @Test
    void shouldRejectSecondWriterWithOwnerPidAndReleaseLockWhenOwnerIsKilled() throws Exception
    {
        final Process child = ChildJvm.start(ChildWriter.class, "hold", dir.toString());
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            final String line = out.readLine();
            assertTrue(line != null && line.startsWith("OPEN "), "child said: " + line);
            final long childPid = Long.parseLong(line.split(" ")[1]);
            assertEquals(child.pid(), childPid);

            final WriterLockedException ex = assertThrows(WriterLockedException.class,
                () -> Journal.open(new JournalContext().directory(dir)));
            assertEquals(childPid, ex.ownerPid());
            assertTrue(ex.getMessage().contains("ownerPid=" + childPid), ex.getMessage());
            assertTrue(ex.getMessage().contains("another process"), ex.getMessage());
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(0, journal.appender().nextSequence(), "the OS released the killed writer's lock");
        }
    }

    @Test
    void shouldParseProcLocksLines()
    {
        assertEquals(4242, WriterLock.pidOfLockOn("1: POSIX  ADVISORY  WRITE 4242 fd:01:131 0 EOF", 131));
        assertEquals(-1, WriterLock.pidOfLockOn("1: POSIX  ADVISORY  WRITE 4242 fd:01:131 0 EOF", 132));
        assertEquals(-1, WriterLock.pidOfLockOn("2: FLOCK  ADVISORY  WRITE 77 fd:01:131 0 EOF", 131));
        assertEquals(-1, WriterLock.pidOfLockOn("1: -> POSIX  ADVISORY  WRITE 99 fd:01:131 0 EOF", 131));
    }
}
