package io.varve.bench.reader;

import io.varve.bench.BenchSystem;
import io.varve.bench.ChildJvm;
import io.varve.bench.RunDirectory;
import io.varve.bench.Sample;
import io.varve.bench.SuitePlan;
import io.varve.bench.Workload;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the reader workloads in child JVMs, Varve and Chronicle Queue in turn (the order rotating each round):
 * <ul>
 *     <li>{@value #REPLAY_FRESH} and {@value #TAIL_SECOND}: a child writes the plan's records and exits, leaving
 *     them in the page cache; a fresh child times its first pass from open to the last record, then a second
 *     tailer in the same reader ({@link ReplayMain}). Both workloads come from the same children.</li>
 *     <li>{@value #TAIL_LIVE}: a writer child appends at full speed while a tailer child follows it
 *     ({@link LiveTailMain}); records/s delivered to the tailer, and its lag behind the writer.</li>
 * </ul>
 * Threading: one thread.
 */
public final class ReaderSuite
{
    /** Workload id of the fresh-process first pass. */
    public static final String REPLAY_FRESH = "replay-fresh";
    /** Workload id of the second tailer in the same reader. */
    public static final String TAIL_SECOND = "tail-second";
    /** Workload id of the live cross-process tailer. */
    public static final String TAIL_LIVE = "tail-live";
    /** Payload size of every reader workload. */
    public static final String SIZE = "64";
    /** Column of Varve's fresh-process first pass. */
    public static final String VARVE_FRESH = "Varve tailer, fresh process, first pass";
    /** Column of Chronicle's fresh-process first pass. */
    public static final String CHRONICLE_FRESH = "Chronicle tailer, fresh process, first pass";
    /** Column of Varve's second tailer. */
    public static final String VARVE_SECOND = "Varve second tailer, same reader";
    /** Column of Chronicle's second tailer. */
    public static final String CHRONICLE_SECOND = "Chronicle second tailer, same queue";
    /** Column of Varve's live tailer. */
    public static final String VARVE_LIVE = "Varve live tailer, other process";
    /** Column of Chronicle's live tailer. */
    public static final String CHRONICLE_LIVE = "Chronicle live tailer, other process";

    private static final long CHILD_TIMEOUT_SECONDS = 600;
    private static final Pattern FIELD = Pattern.compile("([A-Z_0-9]+)=(-?\\d+)");
    private static final List<BenchSystem> SYSTEMS = List.of(BenchSystem.VARVE, BenchSystem.CHRONICLE);

    private final SuitePlan plan;
    private final Path output;
    private final Path dataDirectory;
    private final PrintStream progress;

    /**
     * A reader suite.
     *
     * @param plan          of the run.
     * @param results       the results folder.
     * @param dataDirectory where the journals go.
     * @param progress      where one line per run goes.
     */
    public ReaderSuite(final SuitePlan plan, final Path results, final Path dataDirectory, final PrintStream progress)
    {
        this.plan = plan;
        this.output = results.resolve("reader");
        this.dataDirectory = dataDirectory;
        this.progress = progress;
    }

    /**
     * The workloads, as the summary shows them: their scores come from {@link #run(Set)}, not from JMH.
     *
     * @return the replay, second-tailer and live-tailer workloads.
     */
    public static List<Workload> workloads()
    {
        return List.of(
            workload(REPLAY_FRESH, "Fresh-process replay (first touch), one pass, msg/s", VARVE_FRESH,
                CHRONICLE_FRESH),
            workload(TAIL_SECOND, "Second tailer in the same reader, one pass, msg/s", VARVE_SECOND,
                CHRONICLE_SECOND),
            workload(TAIL_LIVE, "Live tailer in another process, msg/s delivered", VARVE_LIVE, CHRONICLE_LIVE));
    }

    private static Workload workload(final String id, final String title, final String varve, final String chronicle)
    {
        return new Workload(id, title, "msg/s", "size", List.of(SIZE), List.of(
            new Workload.Column(varve, BenchSystem.VARVE, ReaderSuite.class.getName() + "." + id, Map.of(), 1),
            new Workload.Column(chronicle, BenchSystem.CHRONICLE, ReaderSuite.class.getName() + "." + id, Map.of(), 1)),
            List.of(new Workload.Ratio(varve, chronicle)), null, 0);
    }

    /**
     * Run the selected workloads for the plan's rounds.
     *
     * @param ids of the workloads to run.
     * @return their samples and the live runs' lag figures.
     */
    public Results run(final Set<String> ids)
    {
        try
        {
            Files.createDirectories(output);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<Sample> samples = new ArrayList<>();
        final List<LiveResult> live = new ArrayList<>();
        for (int round = 1; round <= plan.rounds(); round++)
        {
            for (int i = 0; i < SYSTEMS.size(); i++)
            {
                final BenchSystem system = SYSTEMS.get((i + round - 1) % SYSTEMS.size());
                if (ids.contains(REPLAY_FRESH) || ids.contains(TAIL_SECOND))
                {
                    replay(system, round, ids, samples);
                }
                if (ids.contains(TAIL_LIVE))
                {
                    final LiveResult result = live(system, round);
                    live.add(result);
                    samples.add(new Sample(TAIL_LIVE, SIZE, system == BenchSystem.VARVE ? VARVE_LIVE : CHRONICLE_LIVE,
                        system, round, result.deliveredPerSecond(), Double.NaN));
                }
            }
        }
        return new Results(samples, live);
    }

    private void replay(final BenchSystem system, final int round, final Set<String> ids, final List<Sample> samples)
    {
        final String name = "replay-" + system.name().toLowerCase(Locale.ROOT) + "-r" + round;
        final Path journal = dataDirectory.resolve(name);
        final Path log = output.resolve(name + ".log");
        final long records = plan.replayRecords();
        final long start = System.nanoTime();
        try
        {
            try (ChildJvm writer = ChildJvm.start(ChildJvm.command(system, List.of(), ReplayMain.class,
                List.of("--step=write", "--system=" + system, "--dir=" + journal, "--records=" + records,
                "--size=" + SIZE)), log))
            {
                writer.awaitLine("WRITTEN", CHILD_TIMEOUT_SECONDS);
                writer.awaitSuccess(CHILD_TIMEOUT_SECONDS);
            }
            final String line;
            try (ChildJvm reader = ChildJvm.start(ChildJvm.command(system, List.of(), ReplayMain.class,
                List.of("--step=read", "--system=" + system, "--dir=" + journal, "--records=" + records)), log))
            {
                line = reader.awaitLine("REPLAY", CHILD_TIMEOUT_SECONDS);
                reader.awaitSuccess(CHILD_TIMEOUT_SECONDS);
            }
            final double first = records * 1e9 / field(line, "FIRST_NANOS");
            final double second = records * 1e9 / field(line, "SECOND_NANOS");
            final boolean varve = system == BenchSystem.VARVE;
            if (ids.contains(REPLAY_FRESH))
            {
                samples.add(new Sample(REPLAY_FRESH, SIZE, varve ? VARVE_FRESH : CHRONICLE_FRESH, system, round,
                    first, Double.NaN));
            }
            if (ids.contains(TAIL_SECOND))
            {
                samples.add(new Sample(TAIL_SECOND, SIZE, varve ? VARVE_SECOND : CHRONICLE_SECOND, system, round,
                    second, Double.NaN));
            }
            progress.printf("  %-14s %-9s r%d  first pass %,14.0f msg/s  second tailer %,14.0f msg/s  (%.0f s)%n",
                "replay", system.displayName(), round, first, second, (System.nanoTime() - start) / 1e9);
        }
        finally
        {
            RunDirectory.deleteTree(journal);
            RunDirectory.deleteTree(ReplayMain.scratch(journal));
        }
    }

    private LiveResult live(final BenchSystem system, final int round)
    {
        final String name = "live-" + system.name().toLowerCase(Locale.ROOT) + "-r" + round;
        final Path journal = dataDirectory.resolve(name);
        final long records = plan.liveRecords();
        final long start = System.nanoTime();
        final List<String> args = List.of("--system=" + system, "--dir=" + journal, "--records=" + records,
            "--size=" + SIZE);
        try (ChildJvm writer = ChildJvm.start(ChildJvm.command(system, List.of(), LiveTailMain.class,
            concat("--role=writer", args)), output.resolve(name + "-writer.log")))
        {
            writer.awaitLine("READY", CHILD_TIMEOUT_SECONDS);
            final String line;
            try (ChildJvm tailer = ChildJvm.start(ChildJvm.command(system, List.of(), LiveTailMain.class,
                concat("--role=tailer", args)), output.resolve(name + "-tailer.log")))
            {
                line = tailer.awaitLine("LIVE", CHILD_TIMEOUT_SECONDS);
                tailer.awaitSuccess(CHILD_TIMEOUT_SECONDS);
            }
            final String written = writer.awaitLine("WRITER", CHILD_TIMEOUT_SECONDS);
            writer.awaitSuccess(CHILD_TIMEOUT_SECONDS);
            final LiveResult result = new LiveResult(system, round, records,
                records * 1e9 / field(written, "NANOS"), records * 1e9 / field(line, "DELIVERED_NANOS"),
                field(line, "SAMPLES"), field(line, "P50"), field(line, "P99"), field(line, "MAX"),
                field(line, "FIRST_QUARTER_P50"), field(line, "LAST_QUARTER_P50"));
            progress.printf("  %-14s %-9s r%d  writer %,14.0f msg/s  delivered %,14.0f msg/s  lag p50 %,d p99 %,d " +
                "max %,d records, first/last quarter p50 %,d/%,d  (%.0f s)%n", "live", system.displayName(), round,
                result.writerPerSecond(), result.deliveredPerSecond(), result.lagP50(), result.lagP99(),
                result.lagMax(), result.firstQuarterLagP50(), result.lastQuarterLagP50(),
                (System.nanoTime() - start) / 1e9);
            return result;
        }
        finally
        {
            RunDirectory.deleteTree(journal);
            LiveTailMain.deleteBoard(journal);
        }
    }

    private static List<String> concat(final String first, final List<String> rest)
    {
        final List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static long field(final String line, final String name)
    {
        final Matcher matcher = FIELD.matcher(line);
        while (matcher.find())
        {
            if (matcher.group(1).equals(name))
            {
                return Long.parseLong(matcher.group(2));
            }
        }
        throw new IllegalStateException("no " + name + " in: " + line);
    }

    /**
     * What the reader workloads measured.
     *
     * @param samples throughput, one per workload, system and round.
     * @param live    lag figures of the live runs.
     */
    public record Results(List<Sample> samples, List<LiveResult> live)
    {
    }

    /**
     * One live cross-process run.
     *
     * @param system             measured.
     * @param round              of the run.
     * @param records            appended and read.
     * @param writerPerSecond    records/s the writer appended.
     * @param deliveredPerSecond records/s delivered to the tailer, from the first append to the last record read.
     * @param samples            lag samples taken while the writer wrote.
     * @param lagP50             median lag, records.
     * @param lagP99             99th percentile lag, records.
     * @param lagMax             largest lag, records.
     * @param firstQuarterLagP50 median lag of the first quarter of the samples.
     * @param lastQuarterLagP50  median lag of the last quarter.
     */
    public record LiveResult(
        BenchSystem system,
        int round,
        long records,
        double writerPerSecond,
        double deliveredPerSecond,
        long samples,
        long lagP50,
        long lagP99,
        long lagMax,
        long firstQuarterLagP50,
        long lastQuarterLagP50)
    {
        /** Lag, in records, below which the last quarter never counts as growth: a few publish intervals. */
        public static final long LAG_FLOOR = 4096;

        /**
         * Whether the lag grew over the run: the last quarter's median above twice the first quarter's, and above
         * {@link #LAG_FLOOR}.
         *
         * @return true when the tailer fell further behind as the writer went on.
         */
        public boolean lagGrows()
        {
            return lastQuarterLagP50 > Math.max(2 * firstQuarterLagP50, LAG_FLOOR);
        }
    }
}
