package io.varve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve import-chronicle} given queues a careless user or a crash leaves.
 */
class ImportChronicleAdversaryTest
{
    @TempDir
    Path dir;

    /**
     * A roll-cycle file cut short (a disk that filled, a copy interrupted) faulted in the child JVM: an uncaught
     * InternalError, a stack trace and exit code 1, which says "verification found a difference".
     */
    @Test
    void shouldReportATruncatedCycleFileWithAMessageAndExitTwo() throws Exception
    {
        final Path queue = dir.resolve("queue");
        ChronicleQueueFixture.write(queue, 3, 2000);
        final List<Path> cycles = cycleFiles(queue);
        assertEquals(3, cycles.size());
        try (FileChannel channel = FileChannel.open(cycles.get(1), StandardOpenOption.WRITE))
        {
            channel.truncate(20_000);
        }

        final CliRun run = CliRun.run(
            "import-chronicle", queue.toString(), dir.resolve("journal").toString(), "--verify", "--no-progress");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("a roll-cycle file is truncated or damaged"), run.toString());
        assertFalse(run.err().contains("\tat "), run.toString());
    }

    /** 3g passed the option's parser and failed in the child JVM with "integer overflow". */
    @Test
    void shouldRefuseASegmentSizeOutOfRangeWithTheRule() throws Exception
    {
        final Path queue = dir.resolve("queue");
        ChronicleQueueFixture.write(queue, 1, 10);
        for (final String size : new String[]{"3g", "2g", "100", "96k"})
        {
            final CliRun run = CliRun.run("import-chronicle", queue.toString(), dir.resolve("journal").toString(),
                "--segment-size=" + size, "--no-progress");
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("--segment-size must be a power of two from 64k to 1g"), run.toString());
            assertFalse(Files.exists(dir.resolve("journal")), run.toString());
        }
    }

    private static List<Path> cycleFiles(final Path queue) throws IOException
    {
        try (Stream<Path> files = Files.list(queue))
        {
            return files.filter((p) -> p.toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
        }
    }
}
