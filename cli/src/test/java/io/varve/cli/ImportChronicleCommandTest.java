package io.varve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportChronicleCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseADirectoryThatIsNotAChronicleQueueWithExitTwo() throws Exception
    {
        Files.writeString(dir.resolve("orders.log"), "not a queue");
        final CliRun run = CliRun.run("import-chronicle", dir.toString(), dir.resolve("journal").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a Chronicle Queue: " + dir), run.toString());
        assertFalse(Files.exists(dir.resolve("journal")));
        assertEquals(2, CliRun.run("import-chronicle", dir.resolve("missing").toString(), dir.toString()).exitCode());
    }

    @Test
    void shouldImportAndVerifyInAChildJvmThatHasChronicleFlags() throws Exception
    {
        final Path queue = dir.resolve("queue");
        final Path journal = dir.resolve("journal");
        ChronicleQueueFixture.write(queue, 3, 100);

        final CliRun first = CliRun.run(
            "import-chronicle", queue.toString(), journal.toString(), "--verify", "--no-progress");
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("imported 300 excerpts"), first.toString());
        assertTrue(first.out().contains("from 3 roll cycles"), first.toString());
        assertTrue(first.out().contains("verify: OK: 300 records"), first.toString());
        assertFalse(first.err().contains("WARN"), first.toString());

        final CliRun verify = CliRun.run("verify", journal.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("300 records"), verify.toString());
    }
}
