package io.varve.chronicle;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.Tailer;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleImportTest
{
    @TempDir
    Path dir;

    private Path queueDir()
    {
        return dir.resolve("queue");
    }

    private ChronicleImport newImport()
    {
        return new ChronicleImport(queueDir(), new JournalContext().directory(dir.resolve("journal"))
            .segmentLength(1 << 20));
    }

    @Test
    void shouldImportEveryExcerptOfEveryRollCycleByteForByte()
    {
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queueDir(), clock, 5, 600, 1);
        final List<TestQueues.Excerpt> excerpts = TestQueues.read(queueDir());
        assertEquals(3000, excerpts.size());
        final RollCycle rollCycle = TestRollCycles.TEST_SECONDLY;
        final Set<Integer> cycles = new HashSet<>();
        excerpts.forEach((e) -> cycles.add(rollCycle.toCycle(e.index())));
        assertEquals(5, cycles.size(), "the queue rolled");

        final long[] progress = {0};
        final ImportReport report = newImport().progress((records) -> progress[0] = records).run();

        assertEquals(0, report.alreadyImported());
        assertEquals(3000, report.imported());
        assertEquals(5, report.cycles());
        assertEquals(excerpts.get(0).index(), report.firstIndex());
        assertEquals(excerpts.get(2999).index(), report.lastIndex());
        assertFalse(report.stoppedAtIncomplete());
        assertEquals(3000, progress[0]);
        assertEquals(excerpts.stream().mapToLong((e) -> e.bytes().length).sum(), report.bytes());
        TestQueues.assertSame(excerpts, TestQueues.readJournal(dir.resolve("journal")));
        final VerifyResult result = newImport().verify();
        assertTrue(result.matches(), result.mismatch());
        assertEquals(3000, result.compared());
    }

    @Test
    void shouldContinueWhereTheLastRunStoppedAndNeverDuplicate()
    {
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queueDir(), clock, 2, 300, 2);
        assertEquals(600, newImport().run().imported());

        final ImportReport again = newImport().run();
        assertEquals(600, again.alreadyImported());
        assertEquals(0, again.imported());

        TestQueues.append(queueDir(), clock, 3, 100, 3);
        final ImportReport more = newImport().run();
        assertEquals(600, more.alreadyImported());
        assertEquals(300, more.imported());
        assertEquals(3, more.cycles());
        TestQueues.assertSame(TestQueues.read(queueDir()), TestQueues.readJournal(dir.resolve("journal")));
        assertTrue(newImport().verify().matches());
    }

    @Test
    void shouldDecodeImportedMarshallablesWithTheirChronicleIndex()
    {
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queueDir(), clock, 1, 30, 4);
        newImport().run();
        final List<TestQueues.Excerpt> excerpts = TestQueues.read(queueDir());
        final Dtos.Tick tick = new Dtos.Tick();
        final MarshallableHandler handler = new MarshallableHandler(tick);
        try (Journal journal = Journal.open(new JournalContext().directory(dir.resolve("journal")));
            Tailer tailer = journal.tailer())
        {
            for (int i = 0; i < 30; i++)
            {
                assertEquals(1, tailer.poll(i % 3 == 2 ? handler : (b, o, l, s, t, type) -> { }, 1));
                if (i % 3 == 2)
                {
                    assertEquals(excerpts.get(i).index(), handler.key());
                    final Dtos.Tick expected = new Dtos.Tick();
                    expected.readMarshallable(net.openhft.chronicle.bytes.Bytes.wrapForRead(excerpts.get(i).bytes()));
                    assertEquals(expected, tick);
                }
            }
        }
    }

    @Test
    void shouldRejectADirectoryThatIsNotAQueue() throws Exception
    {
        Files.createDirectories(queueDir());
        Files.writeString(queueDir().resolve("notes.txt"), "not a queue");
        final NotAChronicleQueueException ex = assertThrows(NotAChronicleQueueException.class,
            () -> newImport().run());
        assertTrue(ex.getMessage().contains(queueDir().toString()), ex.getMessage());
        assertThrows(NotAChronicleQueueException.class,
            () -> new ChronicleImport(dir.resolve("missing"), new JournalContext().directory(dir.resolve("j"))).run());
        assertFalse(Files.exists(dir.resolve("journal")), "nothing created for a bad source");
    }

    @Test
    void shouldRefuseATargetJournalThatHoldsOtherRecords()
    {
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queueDir(), clock, 1, 10, 5);
        try (Journal journal = Journal.open(new JournalContext().directory(dir.resolve("journal"))
            .segmentLength(1 << 20)))
        {
            journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[16]), 0, 16);
        }
        final ChronicleImportException ex = assertThrows(ChronicleImportException.class, () -> newImport().run());
        assertTrue(ex.getMessage().contains("not an imported excerpt"), ex.getMessage());
    }

    @Test
    void shouldImportAQueueStillBeingWrittenUpToItsLastCompleteExcerpt() throws Exception
    {
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queueDir(), clock, 2, 50, 6);
        try (SingleChronicleQueue queue = TestQueues.open(queueDir(), clock);
            ExcerptAppender appender = queue.createAppender())
        {
            final DocumentContext open = appender.writingDocument();
            open.wire().bytes().writeLong(1234L);
            final ImportReport report = newImport().run();
            assertEquals(100, report.imported());
            assertTrue(report.stoppedAtIncomplete(), report.toString());
            final VerifyResult result = newImport().verify();
            assertTrue(result.matches(), result.mismatch());
            open.close();
        }
        final ImportReport rest = newImport().run();
        assertEquals(1, rest.imported());
        assertFalse(rest.stoppedAtIncomplete());
        final VerifyResult result = newImport().verify();
        assertNull(result.mismatch());
        assertEquals(101, result.compared());
    }
}
