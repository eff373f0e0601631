package io.varve.chronicle;

import io.varve.journal.JournalContext;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
