package io.varve.bench.latency;

import io.varve.bench.BenchSystem;
import io.varve.bench.ChildJvm;
import io.varve.bench.MemoryState;
import io.varve.bench.RunDirectory;
import io.varve.bench.SuitePlan;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the latency scenarios round after round, Varve and Chronicle Queue alternating (the first system changes
 * every round), each run a child JVM with that system's flags, and the {@code System.nanoTime()} jitter once per
 * round as the noise floor. The histogram files go to {@code latency/} in the results folder.
 * <p>
 * Threading: one thread.
 */
public final class LatencySuite
{
    /** Messages per second of the paced append scenario. */
    public static final long PACED_RATE = 1_000_000;
    /** Messages per second of the end-to-end scenarios. */
    public static final long END_TO_END_RATE = 100_000;
    /** Payload bytes of every latency message. */
    public static final int SIZE = 64;
    /** The systems compared. */
    public static final List<BenchSystem> SYSTEMS = List.of(BenchSystem.VARVE, BenchSystem.CHRONICLE);

    private static final long CHILD_TIMEOUT_SECONDS = 600;

    private final SuitePlan plan;
    private final Path output;
    private final Path dataDirectory;
    private final PrintStream progress;

    /**
     * A latency suite.
     *
     * @param plan          of the run.
     * @param results       the results folder.
     * @param dataDirectory where the journals go.
     * @param progress      where one line per run goes.
     */
    public LatencySuite(final SuitePlan plan, final Path results, final Path dataDirectory, final PrintStream progress)
    {
        this.plan = plan;
        this.output = results.resolve("latency");
        this.dataDirectory = dataDirectory;
        this.progress = progress;
    }

    /**
     * Run every scenario for every system, and the jitter, for the plan's rounds.
     *
     * @return one run per scenario, system and round.
     */
    public List<LatencyRun> run()
    {
        try
        {
            Files.createDirectories(output);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<LatencyRun> runs = new ArrayList<>();
        for (int round = 1; round <= plan.rounds(); round++)
        {
            runs.addAll(runOne(LatencyScenario.JITTER, BenchSystem.MACHINE, round));
            for (final LatencyScenario scenario : LatencyScenario.values())
            {
                if (scenario == LatencyScenario.JITTER || !scenario.isRun())
                {
                    continue;
                }
                for (int i = 0; i < SYSTEMS.size(); i++)
                {
                    runs.addAll(runOne(scenario, SYSTEMS.get((i + round - 1) % SYSTEMS.size()), round));
                }
            }
        }
        return runs;
    }

    private List<LatencyRun> runOne(final LatencyScenario scenario, final BenchSystem system, final int round)
    {
        final String name = scenario.id() + "-" + system.name().toLowerCase(java.util.Locale.ROOT) + "-r" + round;
        final Path prefix = output.resolve(name);
        final Path journal = dataDirectory.resolve("latency-" + name);
        final long rate = scenario == LatencyScenario.PACED ? PACED_RATE : END_TO_END_RATE;
        final List<String> args = List.of(
            "--scenario=" + scenario.id(),
            "--system=" + system.name(),
            "--rate=" + rate,
            "--warmup=" + plan.latencyWarmupSeconds(),
            "--seconds=" + plan.latencySeconds(),
            "--size=" + SIZE,
            "--dir=" + journal,
            "--out=" + prefix);
        final List<String> properties = List.of("-D" + MemoryState.MODE_PROP_NAME + "=" + plan.memory());
        final long start = System.nanoTime();
        try (ChildJvm child = ChildJvm.start(ChildJvm.command(system, properties, LatencyMain.class, args),
            output.resolve(name + ".log")))
        {
            child.awaitSuccess(CHILD_TIMEOUT_SECONDS);
        }
        finally
        {
            RunDirectory.deleteTree(journal);
        }
        final LatencyRun run = new LatencyRun(scenario, system, round, HistogramFiles.read(prefix));
        progress.printf("  %-12s %-16s r%d  p50 %8.2f us  p99 %9.2f us  p99.99 %10.2f us  max %10.2f us  (%.0f s)%n",
            scenario.id(), system.displayName(), round, micros(run.histogram().getValueAtPercentile(50)),
            micros(run.histogram().getValueAtPercentile(99)), micros(run.histogram().getValueAtPercentile(99.99)),
            micros(run.histogram().getMaxValue()), (System.nanoTime() - start) / 1e9);
        if (scenario == LatencyScenario.PACED)
        {
            return List.of(run, new LatencyRun(LatencyScenario.PACED_SERVICE_TIME, system, round,
                HistogramFiles.read(prefix.resolveSibling(prefix.getFileName() + "-uncorrected"))));
        }
        return List.of(run);
    }

    private static double micros(final long nanos)
    {
        return nanos / HistogramFiles.NANOS_PER_MICRO;
    }

    /**
     * One latency run.
     *
     * @param scenario  run.
     * @param system    measured; MACHINE for the jitter.
     * @param round     1-based repetition.
     * @param histogram latencies in nanoseconds.
     */
    public record LatencyRun(LatencyScenario scenario, BenchSystem system, int round, Histogram histogram)
    {
    }
}
