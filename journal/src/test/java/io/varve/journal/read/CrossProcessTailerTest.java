package io.varve.journal.read;

import io.varve.journal.ChildJvm;
import io.varve.journal.ChildTailer;
import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.VarveException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossProcessTailerTest
{
    private static final int SEGMENT_LENGTH = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryRecordOnceInOrderToATailerInAnotherProcess() throws Exception
    {
        final int records = 1_000_000;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Process child = ChildJvm.start(ChildTailer.class, "follow", dir.toString(),
                Integer.toString(records));
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine());
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                ChildWriter.fill(payload, i);
                appender.append(payload, 0, ChildWriter.payloadLength(i));
            }
            final long writerDone = System.nanoTime();
            assertTrue(journal.metadata().counterValue(JournalCounter.ROLLS) >= 3, "at least 3 rolls");
            final String result = out.readLine();
            final long lagMillis = (System.nanoTime() - writerDone) / 1_000_000;
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            assertEquals("DONE " + records, result.substring(0, result.lastIndexOf(' ')), result);
            assertTrue(lagMillis < 30_000, "tailer finished " + lagMillis + " ms after the writer");
        }
    }

    @Test
    void shouldResumeANamedTailerAtItsPersistedPositionAfterSigkill() throws Exception
    {
        final int records = 50_000;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            for (int i = 0; i < records; i++)
            {
                ChildWriter.fill(payload, i);
                journal.appender().append(payload, 0, ChildWriter.payloadLength(i));
            }
        }
        final List<Long> seen = new ArrayList<>();
        long expectedStart = 0;
        for (int run = 0; run < 4; run++)
        {
            final Process child = ChildJvm.start(ChildTailer.class, "named", dir.toString(), "risk-engine");
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            final String start = out.readLine();
            assertTrue(start != null && start.startsWith("START "), "child said: " + start);
            final long resumedAt = Long.parseLong(start.substring(6));
            if (run > 0)
            {
                assertTrue(resumedAt == expectedStart || resumedAt == expectedStart + 1,
                    "run " + run + " resumed at " + resumedAt + " after the last delivered " + expectedStart);
            }
            String line;
            int read = 0;
            while (read < 3000 + run * 1000 && (line = out.readLine()) != null)
            {
                if (line.startsWith("SEQ "))
                {
                    seen.add(Long.parseLong(line.substring(4)));
                    read++;
                }
            }
            // SIGKILL through the handle: Process.destroyForcibly would also close our end of its stdout
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            while ((line = out.readLine()) != null)
            {
                if (line.startsWith("SEQ "))
                {
                    seen.add(Long.parseLong(line.substring(4)));
                }
            }
            expectedStart = seen.get(seen.size() - 1);
        }
        long next = 0;
        int redelivered = 0;
        for (final long sequence : seen)
        {
            if (sequence == next - 1)
            {
                redelivered++;
                continue;
            }
            assertEquals(next, sequence, "no record skipped");
            next = sequence + 1;
        }
        assertTrue(redelivered <= 3, "at most the in-flight record is delivered again per kill: " + redelivered);
    }

    @Test
    void shouldRefuseASecondTailerOfTheSameNameWhileTheFirstIsOpen() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            journal.appender().append(new UnsafeBuffer(new byte[8]), 0, 8);
            try (Tailer first = journal.tailer("audit"))
            {
                final VarveException ex = assertThrows(VarveException.class, () -> journal.tailer("audit"));
                assertTrue(ex.getMessage().contains("already open"), ex.getMessage());
                assertEquals(1, first.poll((b, o, l, s, t, ty) -> { }, 10));
            }
            try (Tailer again = journal.tailer("audit"))
            {
                assertEquals(1, again.nextSequence(), "resumed after the record the first one handled");
            }
        }
    }

    @Test
    void shouldKeepFollowingAcrossAWriterRestart() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            long sequence = 0;
            for (int restart = 0; restart < 5; restart++)
            {
                for (int i = 0; i < 777; i++, sequence++)
                {
                    ChildWriter.fill(payload, sequence);
                    journal.appender().append(payload, 0, ChildWriter.payloadLength(sequence));
                }
                journal.close();
                journal = Journal.open(new JournalContext().directory(dir));
                while (next[0] < sequence)
                {
                    tailer.poll((b, o, l, s, t, ty) ->
                    {
                        assertEquals(next[0]++, s);
                        assertTrue(ChildWriter.matches((UnsafeBuffer)b, o, l, s));
                    }, 100);
                }
            }
            assertEquals(sequence, next[0]);
        }
        finally
        {
            journal.close();
        }
    }
}
