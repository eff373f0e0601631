package io.varve.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the JMH workloads: for each row, round after round, one fork per column, rotating the order of the columns
 * each round so that no system always runs first or last; each fork gets its own system's flags only, JMH's GC
 * profiler, and the memory mode. Every fork's human-readable output and JSON result are kept.
 * <p>
 * Threading: one thread.
 */
public final class ThroughputSuite
{
    private static final String GC_ALLOC_NORM = "gc.alloc.rate.norm";
    /** Name of the JMH auxiliary counter in which a benchmark counts its records itself. */
    public static final String RECORDS_COUNTER = "records";

    private final SuitePlan plan;
    private final Path results;
    private final Path dataDirectory;
    private final PrintStream progress;

    /**
     * A throughput suite.
     *
     * @param plan          of the run.
     * @param results       folder for JMH logs and JSON.
     * @param dataDirectory where benchmarks write.
     * @param progress      where one line per fork goes.
     */
    public ThroughputSuite(
        final SuitePlan plan, final Path results, final Path dataDirectory, final PrintStream progress)
    {
        this.plan = plan;
        this.results = results;
        this.dataDirectory = dataDirectory;
        this.progress = progress;
    }

    /**
     * Run one workload.
     *
     * @param workload to run.
     * @return one sample per fork.
     */
    public List<Sample> run(final Workload workload)
    {
        final List<Sample> samples = new ArrayList<>();
        final int rounds = workload.rounds() > 0 ? workload.rounds() : plan.rounds();
        final List<Workload.Column> columns = workload.columns();
        for (final String row : workload.rows())
        {
            for (int round = 1; round <= rounds; round++)
            {
                for (int i = 0; i < columns.size(); i++)
                {
                    final Workload.Column column = columns.get((i + round - 1) % columns.size());
                    samples.add(runFork(workload, column, row, round));
                }
            }
        }
        return samples;
    }

    private Sample runFork(final Workload workload, final Workload.Column column, final String row, final int round)
    {
        final String name = workload.id() + "-" + row + "-" + slug(column.label()) + "-r" + round;
        final Path jmh = results.resolve("jmh");
        final String memory = workload.memory() != null ? workload.memory() : plan.memory();
        final boolean cold = "cold".equals(memory);
        final List<String> jvmArgs = new ArrayList<>(ForkFlags.forSystem(column.system()));
        jvmArgs.add("-D" + MemoryState.DIR_PROP_NAME + "=" + dataDirectory);
        jvmArgs.add("-D" + MemoryState.MODE_PROP_NAME + "=" + memory);
        jvmArgs.add("-Dvarve.bench.tail.bytes=" + plan.tailBytes());
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + Pattern.quote(column.benchmark()) + "$")
            .forks(1)
            .warmupIterations(cold ? 1 : plan.warmupIterations())
            .warmupTime(TimeValue.milliseconds(plan.warmupMillis()))
            .measurementIterations(cold ? 1 : plan.measurementIterations())
            .measurementTime(TimeValue.milliseconds(plan.measurementMillis()))
            .timeUnit(TimeUnit.SECONDS)
            .param(workload.rowParam(), row)
            .jvmArgsAppend(jvmArgs.toArray(new String[0]))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .output(jmh.resolve(name + ".log").toString())
            .result(jmh.resolve(name + ".json").toString())
            .resultFormat(ResultFormatType.JSON);
        for (final Map.Entry<String, String> param : column.params().entrySet())
        {
            options.param(param.getKey(), param.getValue());
        }
        try
        {
            Files.createDirectories(jmh);
            final long start = System.nanoTime();
            final Collection<RunResult> runs = new Runner(options.build()).run();
            if (runs.isEmpty())
            {
                throw new IllegalStateException("JMH ran nothing for " + column.benchmark() + "; see " +
                    jmh.resolve(name + ".log"));
            }
            final RunResult run = runs.iterator().next();
            // A benchmark whose operation holds a number of records known only at run time (one whole replay)
            // counts them in a JMH auxiliary counter named RECORDS_COUNTER; the others give a fixed multiplier.
            final Result<?> records = run.getSecondaryResults().get(RECORDS_COUNTER);
            final double score = records != null ?
                records.getScore() : run.getPrimaryResult().getScore() * column.multiplier();
            final double recordsPerOperation = score / run.getPrimaryResult().getScore();
            final Result<?> allocation = run.getSecondaryResults().get(GC_ALLOC_NORM);
            // Per record, as the score is: a batch benchmark's operation is many records.
            final double bytesPerRecord = allocation == null ?
                Double.NaN : allocation.getScore() / recordsPerOperation;
            progress.printf("  %-14s %-6s r%d %-34s %,16.0f %s  %8.3f B/record  (%.0f s)%n", workload.id(), row,
                round, column.label(), score, workload.unit(), bytesPerRecord, (System.nanoTime() - start) / 1e9);
            return new Sample(workload.id(), row, column.label(), column.system(), round, score, bytesPerRecord);
        }
        catch (final RunnerException ex)
        {
            throw new IllegalStateException("JMH failed for " + column.benchmark() + " " + row + "; see " +
                jmh.resolve(name + ".log"), ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A label as a file-name fragment.
     *
     * @param label to convert.
     * @return lower case letters, digits and dashes.
     */
    public static String slug(final String label)
    {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
