package io.varve.chronicle;

import io.varve.journal.JournalContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportKillTest
{
    private static final int EXCERPTS = 4 * 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldResumeAnImportKilledWithSigkillWithoutDuplicatesOrGaps() throws Exception
    {
        final Path queue = dir.resolve("queue");
        final Path journal = dir.resolve("journal");
        TestQueues.append(queue, TestQueues.clock(), 4, EXCERPTS / 4, 7, 200);

        final Process child = ImportChild.start(queue, journal);
        long reported = 0;
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null && reported < EXCERPTS / 3)
            {
                assertTrue(line.startsWith("PROGRESS "), line);
                reported = Long.parseLong(line.substring("PROGRESS ".length()));
            }
            assertNotNull(line, "the child stopped before it could be killed");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        final ImportReport resumed = new ChronicleImport(queue, new JournalContext().directory(journal)
            .segmentLength(1 << 20)).run();
        assertTrue(resumed.alreadyImported() >= reported && resumed.alreadyImported() < EXCERPTS,
            "the killed run had imported " + resumed.alreadyImported() + ", reported " + reported);
        assertEquals(EXCERPTS, resumed.alreadyImported() + resumed.imported());

        final List<TestQueues.Excerpt> excerpts = TestQueues.read(queue);
        TestQueues.assertSame(excerpts, TestQueues.readJournal(journal));
        final VerifyResult result = new ChronicleImport(queue, new JournalContext().directory(journal)).verify();
        assertTrue(result.matches(), result.mismatch());
        assertEquals(EXCERPTS, result.compared());
    }
}
