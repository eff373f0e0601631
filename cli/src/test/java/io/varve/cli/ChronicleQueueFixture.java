package io.varve.cli;

import io.varve.chronicle.ChronicleFlags;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes a Chronicle Queue with Chronicle itself, in a child JVM that has Chronicle's flags (this module's tests
 * run without them, as the CLI does): {@code cycles} one-second roll cycles of {@code perCycle} excerpts each.
 */
public final class ChronicleQueueFixture
{
    private ChronicleQueueFixture()
    {
    }

    public static void main(final String[] args)
    {
        final int cycles = Integer.parseInt(args[1]);
        final int perCycle = Integer.parseInt(args[2]);
        final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-01-01T00:00:00Z"));
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(args[0])
            .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock).build();
            ExcerptAppender appender = queue.createAppender())
        {
            for (int c = 0; c < cycles; c++)
            {
                for (int i = 0; i < perCycle; i++)
                {
                    final int n = i;
                    appender.writeDocument((wire) -> wire.write("excerpt").int32(n).write("text").text("x" + n));
                }
                clock.advanceMillis(1000);
            }
        }
    }

    static void write(final Path dir, final int cycles, final int perCycle) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(ChronicleFlags.AGRONA);
        command.addAll(ChronicleFlags.forRunningJdk());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChronicleQueueFixture.class.getName());
        command.add(dir.toString());
        command.add(Integer.toString(cycles));
        command.add(Integer.toString(perCycle));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
    }
}
