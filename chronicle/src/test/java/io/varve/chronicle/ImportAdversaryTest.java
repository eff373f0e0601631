package io.varve.chronicle;

import io.varve.journal.JournalContext;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Imports given what a careless user hands them: a journal imported from another queue whose indexes overlap.
 */
class ImportAdversaryTest
{
    @TempDir
    Path dir;

    private ChronicleImport newImport(final Path queue)
    {
        return new ChronicleImport(queue, new JournalContext().directory(dir.resolve("journal"))
            .segmentLength(1 << 20));
    }

    @Test
    void shouldRefuseToContinueAJournalImportedFromAnotherQueue()
    {
        final Path first = dir.resolve("first");
        final Path second = dir.resolve("second");
        TestQueues.append(first, TestQueues.clock(), 2, 300, 1);
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(second, clock, 2, 600, 2);
        assertEquals(600, newImport(first).run().imported());

        final ChronicleImportException ex =
            assertThrows(ChronicleImportException.class, () -> newImport(second).run());

        assertTrue(ex.getMessage().contains("another queue"), ex.getMessage());
        final List<TestQueues.Excerpt> journal = TestQueues.readJournal(dir.resolve("journal"));
        assertEquals(600, journal.size(), "nothing of the second queue was appended");
        TestQueues.assertSame(TestQueues.read(first), journal);
    }

    @Test
    void shouldStillResumeTheSameQueue()
    {
        final Path queue = dir.resolve("queue");
        final SetTimeProvider clock = TestQueues.clock();
        TestQueues.append(queue, clock, 2, 300, 3);
        assertEquals(600, newImport(queue).run().imported());
        TestQueues.append(queue, clock, 1, 300, 4);

        assertEquals(300, newImport(queue).run().imported());

        TestQueues.assertSame(TestQueues.read(queue), TestQueues.readJournal(dir.resolve("journal")));
    }

    /**
     * An empty roll-cycle file with later cycles after it: Chronicle waited 20 s for its header, then stopped there
     * as at the queue's end, and the import exited 0 without the later cycles, calling the queue "still being
     * written", and verify said OK.
     */
    @Test
    void shouldRefuseAQueueWithAnEmptyCycleFileBeforeLaterOnes() throws IOException
    {
        final Path queue = dir.resolve("queue");
        TestQueues.append(queue, TestQueues.clock(), 3, 100, 5);
        final List<Path> cycles = ChronicleQueueDirectory.cycleFiles(queue);
        assertEquals(3, cycles.size());
        Files.write(cycles.get(1), new byte[0]);

        final NotAChronicleQueueException ex =
            assertThrows(NotAChronicleQueueException.class, () -> newImport(queue).run());

        assertTrue(ex.getMessage().contains(cycles.get(1).getFileName() + " is empty"), ex.getMessage());
        assertFalse(Files.exists(dir.resolve("journal")));
    }

    /**
     * A zeroed excerpt header in a cycle that later cycles follow: Chronicle stopped there as at the queue's end, and
     * the import exited 0 without the rest, calling the queue "still being written", and verify said OK.
     */
    @Test
    void shouldRefuseToCallADamagedEarlierCycleStillBeingWritten() throws IOException
    {
        final Path queue = dir.resolve("queue");
        final SetTimeProvider clock = TestQueues.clock();
        try (SingleChronicleQueue chronicle = TestQueues.open(queue, clock);
            ExcerptAppender appender = chronicle.createAppender())
        {
            for (int c = 0; c < 3; c++)
            {
                for (int i = 0; i < 100; i++)
                {
                    appender.writeText("excerpt-" + (c * 100 + i) + ".");
                }
                clock.advanceMillis(1000);
            }
        }
        final Path first = ChronicleQueueDirectory.cycleFiles(queue).get(0);
        final byte[] bytes = Files.readAllBytes(first);
        final int text = indexOf(bytes, "excerpt-50.".getBytes(StandardCharsets.US_ASCII));
        final int header = text - 1 - Integer.BYTES; // the header, then the text's one-byte length
        assertEquals(0, header % Integer.BYTES, "header alignment");
        try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(Integer.BYTES), header);
        }

        final ChronicleImportException ex =
            assertThrows(ChronicleImportException.class, () -> newImport(queue).run());

        assertTrue(ex.getMessage().contains("unfinished or damaged excerpt"), ex.getMessage());
        assertEquals(50, TestQueues.readJournal(dir.resolve("journal")).size(), "the excerpts before it are kept");
    }

    private static int indexOf(final byte[] bytes, final byte[] wanted)
    {
        outer:
        for (int i = 0; i <= bytes.length - wanted.length; i++)
        {
            for (int j = 0; j < wanted.length; j++)
            {
                if (bytes[i + j] != wanted[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
