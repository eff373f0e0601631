package io.varve.bench;

import io.varve.bench.latency.HistogramFiles;
import io.varve.bench.latency.LatencyChart;
import io.varve.bench.latency.LatencyScenario;
import io.varve.bench.latency.LatencySuite;
import io.varve.bench.reader.LiveTailMain;
import io.varve.bench.reader.ReaderSuite;
import io.varve.bench.recovery.RecoverySuite;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes the results folder: {@code summary.md} (tables of medians with their range across rounds and Varve/peer
 * ratios, the issue's targets, the machine and its noise), {@code throughput.csv}, {@code latency.csv},
 * {@code recovery.csv} and the percentile charts in {@code charts/}.
 * <p>
 * Threading: one thread.
 */
public final class SummaryReport
{
    /** Allocation below this many bytes per operation counts as none: JMH's own bookkeeping leaves a residue. */
    public static final double ZERO_ALLOCATION_BYTES = 0.1;

    private static final double[] PERCENTILES = { 50, 90, 99, 99.9, 99.99 };
    private static final String SEPARATOR = " | ";

    private final RunFacts facts;
    private final List<Workload> workloads;
    private final List<Sample> samples;
    private final List<LatencySuite.LatencyRun> latencyRuns;
    private final List<RecoverySuite.RecoveryResult> recoveryResults;
    private final List<ReaderSuite.LiveResult> liveResults;

    /**
     * A report.
     *
     * @param facts           about the run and the machine.
     * @param workloads       that ran.
     * @param samples         of the JMH workloads.
     * @param latencyRuns     of the latency suite.
     * @param recoveryResults of the recovery suite.
     * @param liveResults     lag figures of the live cross-process tail workload.
     */
    public SummaryReport(
        final RunFacts facts,
        final List<Workload> workloads,
        final List<Sample> samples,
        final List<LatencySuite.LatencyRun> latencyRuns,
        final List<RecoverySuite.RecoveryResult> recoveryResults,
        final List<ReaderSuite.LiveResult> liveResults)
    {
        this.facts = facts;
        this.workloads = workloads;
        this.samples = samples;
        this.latencyRuns = latencyRuns;
        this.recoveryResults = recoveryResults;
        this.liveResults = liveResults;
    }

    /**
     * Write every file.
     *
     * @param results the results folder.
     */
    public void write(final Path results)
    {
        try
        {
            Files.createDirectories(results.resolve("charts"));
            final List<String> charts = writeCharts(results.resolve("charts"));
            Files.writeString(results.resolve("throughput.csv"), throughputCsv());
            Files.writeString(results.resolve("latency.csv"), latencyCsv());
            Files.writeString(results.resolve("recovery.csv"), recoveryCsv());
            Files.writeString(results.resolve("summary.md"), markdown(charts));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write results to " + results, ex);
        }
    }

    private String markdown(final List<String> charts)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# Varve benchmarks: ").append(facts.plan().name()).append(" suite\n\n");
        md.append("Command: `").append(facts.command()).append("`, started ").append(facts.started())
            .append(", took ").append(facts.durationSeconds() / 60).append(" min ")
            .append(facts.durationSeconds() % 60).append(" s.\n");
        md.append("Every figure below comes from this one run. Throughput: median of ").append(facts.plan().rounds())
            .append(" rounds (min–max across rounds); each round is one JMH fork per system, the systems ")
            .append("interleaved, memory brought warm the same way before every measured iteration.\n\n");
        md.append("| machine | |\n|---|---|\n");
        for (final Map.Entry<String, String> fact : facts.machine().entrySet())
        {
            md.append("| ").append(fact.getKey()).append(SEPARATOR).append(fact.getValue()).append(" |\n");
        }
        md.append("| Noise | steal ").append(Stats.decimal(facts.stealPercent(), 1))
            .append("% of CPU time over the run; cross-core round trip median ")
            .append(Stats.decimal(facts.roundTripStart()[0], 0)).append(" ns (best batch ")
            .append(Stats.decimal(facts.roundTripStart()[1], 0)).append(") at the start, ")
            .append(Stats.decimal(facts.roundTripEnd()[0], 0)).append(" ns (best ")
            .append(Stats.decimal(facts.roundTripEnd()[1], 0)).append(") at the end; load average ")
            .append(facts.loadStart()).append(" at the start, ").append(facts.loadEnd()).append(" at the end |\n\n");
        md.append(targets());
        md.append(readerTargets());
        for (final Workload workload : workloads)
        {
            md.append(throughputTable(workload));
            if (workload.id().equals(ReaderSuite.TAIL_LIVE))
            {
                md.append(liveTable());
            }
        }
        md.append(latencyTables(charts));
        md.append(recoveryTable());
        return md.toString();
    }

    private String throughputTable(final Workload workload)
    {
        final StringBuilder md = new StringBuilder("## ").append(workload.title()).append("\n\n| ")
            .append(workload.rowParam());
        final StringBuilder rule = new StringBuilder("|---");
        for (final Workload.Column column : workload.columns())
        {
            md.append(SEPARATOR).append(column.label());
            rule.append("|---:");
        }
        for (final Workload.Ratio ratio : workload.ratios())
        {
            md.append(SEPARATOR).append(ratio.numerator()).append(" / ").append(ratio.denominator());
            rule.append("|---:");
        }
        md.append(" |\n").append(rule).append("|\n");
        for (final String row : workload.rows())
        {
            md.append("| ").append(row);
            for (final Workload.Column column : workload.columns())
            {
                md.append(SEPARATOR).append(Stats.rateWithRange(scores(workload.id(), row, column.label())));
            }
            for (final Workload.Ratio ratio : workload.ratios())
            {
                md.append(SEPARATOR).append(Stats.ratio(ratio(workload.id(), row, ratio)));
            }
            md.append(" |\n");
        }
        if (samples.stream().noneMatch((s) -> s.workload().equals(workload.id()) &&
            !Double.isNaN(s.bytesPerRecord())))
        {
            // Harness workloads in child JVMs: no JMH, so no allocation figures.
            return md.append('\n').toString();
        }
        md.append("\nAllocation, bytes per record (JMH `-prof gc` B/op over records per operation, median):\n\n| ")
            .append(workload.rowParam());
        for (final Workload.Column column : workload.columns())
        {
            md.append(SEPARATOR).append(column.label());
        }
        md.append(" |\n|---").append("|---:".repeat(workload.columns().size())).append("|\n");
        for (final String row : workload.rows())
        {
            md.append("| ").append(row);
            for (final Workload.Column column : workload.columns())
            {
                md.append(SEPARATOR).append(Stats.decimal(allocation(workload.id(), row, column.label()), 3));
            }
            md.append(" |\n");
        }
        return md.append('\n').toString();
    }

    private String latencyTables(final List<String> charts)
    {
        if (latencyRuns.isEmpty())
        {
            return "";
        }
        final StringBuilder md = new StringBuilder("## Latency, microseconds\n\n")
            .append("Median across rounds of each percentile; ").append(LatencySuite.SIZE)
            .append("-byte messages; measured from the intended send time (coordinated omission corrected). ")
            .append("Ratios are Varve/Chronicle Queue: below 1 Varve is faster.\n\n")
            .append("| scenario | system | p50 | p90 | p99 | p99.9 | p99.99 | max |\n")
            .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (final LatencyScenario scenario : LatencyScenario.values())
        {
            final List<BenchSystem> systems = scenario == LatencyScenario.JITTER ?
                List.of(BenchSystem.MACHINE) : LatencySuite.SYSTEMS;
            for (final BenchSystem system : systems)
            {
                md.append("| ").append(scenario.title()).append(SEPARATOR).append(system.displayName());
                for (final double percentile : PERCENTILES)
                {
                    md.append(SEPARATOR).append(Stats.decimal(latencyMicros(scenario, system, percentile), 2));
                }
                md.append(SEPARATOR).append(Stats.decimal(latencyMicros(scenario, system, 100), 1)).append(" |\n");
            }
            if (scenario != LatencyScenario.JITTER)
            {
                md.append("| ").append(scenario.title()).append(" | **Varve/Chronicle**");
                for (final double percentile : PERCENTILES)
                {
                    md.append(SEPARATOR).append(Stats.ratio(latencyMicros(scenario, BenchSystem.VARVE, percentile) /
                        latencyMicros(scenario, BenchSystem.CHRONICLE, percentile)));
                }
                md.append(SEPARATOR).append(Stats.ratio(latencyMicros(scenario, BenchSystem.VARVE, 100) /
                    latencyMicros(scenario, BenchSystem.CHRONICLE, 100))).append(" |\n");
            }
        }
        md.append("\nThe service time rows come from the paced runs, timed from the actual start of each append: ")
            .append("the gap to the CO-corrected rows is the time messages waited behind a stall.\n\n");
        for (final String chart : charts)
        {
            md.append("![").append(chart).append("](charts/").append(chart).append(")\n\n");
        }
        return md.toString();
    }

    private String recoveryTable()
    {
        if (recoveryResults.isEmpty())
        {
            return "";
        }
        final StringBuilder md = new StringBuilder("## Recovery and verification\n\n")
            .append("A child JVM writes the journal (").append(facts.plan().recoveryBytes() >> 20)
            .append(" MiB) and closes it or is killed with SIGKILL; a fresh JVM runs the same open path once on a ")
            .append("small scratch journal (so class loading is not counted) and then times opening it for append; ")
            .append("for clean journals a third JVM verifies every record. Medians across rounds.\n\n")
            .append("| case | open, ms | bytes Varve's recovery scanned | verify, GB/s | launch attempts |\n")
            .append("|---|---:|---:|---:|---:|\n");
        for (final RecoverySuite.RecoveryCase recoveryCase : RecoverySuite.cases(facts.plan()))
        {
            final List<RecoverySuite.RecoveryResult> results = recoveryResults.stream()
                .filter((r) -> r.recoveryCase().equals(recoveryCase)).toList();
            final List<Double> open = values(results, (r) -> r.openNanos() / 1e6);
            final double scanned = Stats.median(values(results, (r) -> (double)r.scannedBytes()));
            final double verify = Stats.median(values(results, RecoverySuite.RecoveryResult::verifyGigabytesPerSecond));
            md.append("| ").append(recoveryCase.title()).append(SEPARATOR)
                .append(Stats.decimal(Stats.median(open), 1))
                .append(open.size() > 1 ? " (" + Stats.decimal(Stats.min(open), 1) + "–" +
                Stats.decimal(Stats.max(open), 1) + ")" : "")
                .append(SEPARATOR).append(scanned >= 0 ? String.format(Locale.ROOT, "%,.0f", scanned) : "–")
                .append(SEPARATOR).append(Double.isNaN(verify) ? "–" : Stats.decimal(verify, 2))
                .append(SEPARATOR).append(Stats.decimal(Stats.median(values(results, (r) -> (double)r.attempts())), 0))
                .append(" |\n");
        }
        return md.append("\nChronicle Queue keeps no per-message checksum and has no verifier. ")
            .append("Launch attempts above 1: ")
            .append("after a SIGKILL, Aeron Archive refuses to start (\"active mark file detected\") until its mark ")
            .append("file's heartbeat is stale; the open time includes retrying every 50 ms until it starts.\n\n")
            .toString();
    }

    private String liveTable()
    {
        final StringBuilder md = new StringBuilder("Live tailer lag, records the writer had published minus records ")
            .append("the tailer had read, sampled every ").append(LiveTailMain.SAMPLE_INTERVAL_NANOS / 1000)
            .append(" us while the writer wrote (resolution ").append(LiveTailMain.PUBLISH_EVERY)
            .append(" records); one line per run:\n\n")
            .append("| system | round | writer, msg/s | delivered, msg/s | samples | lag p50 | lag p99 | lag max ")
            .append("| first quarter p50 | last quarter p50 | lag grows |\n")
            .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (final ReaderSuite.LiveResult live : liveResults)
        {
            md.append("| ").append(live.system().displayName()).append(SEPARATOR).append(live.round())
                .append(SEPARATOR).append(String.format(Locale.ROOT, "%,.0f", live.writerPerSecond()))
                .append(SEPARATOR).append(String.format(Locale.ROOT, "%,.0f", live.deliveredPerSecond()))
                .append(SEPARATOR).append(live.samples())
                .append(SEPARATOR).append(live.lagP50()).append(SEPARATOR).append(live.lagP99())
                .append(SEPARATOR).append(live.lagMax()).append(SEPARATOR).append(live.firstQuarterLagP50())
                .append(SEPARATOR).append(live.lastQuarterLagP50()).append(SEPARATOR)
                .append(live.lagGrows() ? "**yes**" : "no").append(" |\n");
        }
        return md.append('\n').toString();
    }

    private String readerTargets()
    {
        final StringBuilder md = new StringBuilder("## Targets of issue 13\n\n")
            .append("| target | measured | |\n|---|---:|---|\n");
        target(md, "fresh-process replay 64 B, first pass >= 1.5x Chronicle's first pass", ratio(
            ReaderSuite.REPLAY_FRESH, ReaderSuite.SIZE,
            new Workload.Ratio(ReaderSuite.VARVE_FRESH, ReaderSuite.CHRONICLE_FRESH)), 1.5, true, "x");
        target(md, "second tailer in the same reader >= 2x Chronicle's second tailer", ratio(
            ReaderSuite.TAIL_SECOND, ReaderSuite.SIZE,
            new Workload.Ratio(ReaderSuite.VARVE_SECOND, ReaderSuite.CHRONICLE_SECOND)), 2, true, "x");
        target(md, "tail read 64 B, later passes >= 2x Chronicle tailer", ratio("tail", "64",
            new Workload.Ratio("Varve tailer, CRC checked", "Chronicle tailer")), 2, true, "x");
        final List<ReaderSuite.LiveResult> varveLive = liveResults.stream()
            .filter((r) -> r.system() == BenchSystem.VARVE).toList();
        target(md, "live tailer keeps up: Varve runs whose lag grows (last quarter p50 > max(2x first, " +
            ReaderSuite.LiveResult.LAG_FLOOR + ") records)", varveLive.isEmpty() ? Double.NaN :
            varveLive.stream().filter(ReaderSuite.LiveResult::lagGrows).count(), 0, false, " runs");
        for (final String mode : List.of("", Workloads.POSITIONAL_SUFFIX))
        {
            final String append = Workloads.VARVE_APPEND + mode;
            target(md, "append 64 B" + mode + " >= 2x Chronicle DocumentContext", ratio("append", "64",
                new Workload.Ratio(append, Workloads.CHRONICLE_DOCUMENT)), 2, true, "x");
            target(md, "append 64 B" + mode + " >= 1.2x Aeron Archive recording", ratio("append", "64",
                new Workload.Ratio(append, Workloads.AERON_RECORDING)), 1.2, true, "x");
            target(md, "append 1 KiB" + mode + " >= 1.5x Chronicle DocumentContext", ratio("append", "1024",
                new Workload.Ratio(append, Workloads.CHRONICLE_DOCUMENT)), 1.5, true, "x");
            target(md, "append 1 KiB" + mode + " >= 1.2x Aeron Archive recording", ratio("append", "1024",
                new Workload.Ratio(append, Workloads.AERON_RECORDING)), 1.2, true, "x");
            target(md, "durable group commit, streaming (ring, 1 producer)" + mode + " >= 1.0x " +
                Workloads.AERON_FSYNC, ratio("durable", Workloads.SMALL,
                new Workload.Ratio(Workloads.RING_STREAMING + mode, Workloads.AERON_FSYNC)), 1, true, "x");
            target(md, "durable closed loop, sync per " + Workloads.GROUP_COMMIT_BATCH + mode + " >= 0.7x " +
                Workloads.AERON_FSYNC, ratio("durable", Workloads.SMALL,
                new Workload.Ratio(Workloads.GROUP_COMMIT + mode, Workloads.AERON_FSYNC)), 0.7, true, "x");
            target(md, "durable closed loop, ring per " + Workloads.GROUP_COMMIT_BATCH + " (1 producer)" + mode +
                " >= 0.7x " + Workloads.AERON_FSYNC, ratio("durable", Workloads.SMALL,
                new Workload.Ratio(Workloads.RING_GROUP_COMMIT + mode, Workloads.AERON_FSYNC)), 0.7, true, "x");
        }
        return md.append('\n').toString();
    }

    private String targets()
    {
        final StringBuilder md = new StringBuilder("## Targets of issue 6\n\n")
            .append("| target | measured | |\n|---|---:|---|\n");
        final String append = "append";
        final Workload.Ratio varveVsChronicle = new Workload.Ratio("Varve append", "Chronicle DocumentContext");
        final Workload.Ratio varveVsAeron = new Workload.Ratio("Varve append", "Aeron Archive recording");
        target(md, "append 64 B >= 5x Chronicle DocumentContext", ratio(append, "64", varveVsChronicle), 5, true, "x");
        target(md, "append 64 B >= 1.5x Aeron Archive recording", ratio(append, "64", varveVsAeron), 1.5, true, "x");
        target(md, "append 1 KiB >= 2x Chronicle DocumentContext", ratio(append, "1024", varveVsChronicle), 2, true,
            "x");
        target(md, "append 1 KiB >= 1.5x Aeron Archive recording", ratio(append, "1024", varveVsAeron), 1.5, true, "x");
        target(md, "tail read 64 B >= 2x Chronicle tailer", ratio("tail", "64",
            new Workload.Ratio("Varve tailer, CRC checked", "Chronicle tailer")), 2, true, "x");
        target(md, "tail read 64 B >= 2x Aeron Archive replay", ratio("tail", "64",
            new Workload.Ratio("Varve tailer, CRC checked", "Aeron Archive replay")), 2, true, "x");
        target(md, "paced 1M/s append p99 <= 10 us (CO-corrected)",
            latencyMicros(LatencyScenario.PACED, BenchSystem.VARVE, 99), 10, false, " us");
        target(md, "paced 1M/s append p99.99 <= 5 us",
            latencyMicros(LatencyScenario.PACED, BenchSystem.VARVE, 99.99), 5, false, " us");
        target(md, "paced 1M/s append max <= 1 ms",
            latencyMicros(LatencyScenario.PACED, BenchSystem.VARVE, 100), 1000, false, " us");
        for (final LatencyScenario scenario : List.of(
            LatencyScenario.END_TO_END_THREAD, LatencyScenario.END_TO_END_PROCESS))
        {
            target(md, scenario.id() + " p50 <= 300 ns", latencyMicros(scenario, BenchSystem.VARVE, 50) * 1000, 300,
                false, " ns");
            target(md, scenario.id() + " p99 <= 20 us", latencyMicros(scenario, BenchSystem.VARVE, 99), 20, false,
                " us");
        }
        target(md, "durable group commit >= Aeron Archive fileSyncLevel=1", ratio("durable", Workloads.SMALL,
            new Workload.Ratio("Varve BATCH, sync per " + Workloads.GROUP_COMMIT_BATCH,
            "Aeron Archive fileSyncLevel=1")), 1, true, "x");
        target(md, "durable ring group commit (1 producer) >= Aeron Archive fileSyncLevel=1", ratio("durable",
            Workloads.SMALL, new Workload.Ratio("Varve ring BATCH, 1 producer", "Aeron Archive fileSyncLevel=1")), 1,
            true, "x");
        target(md, "durable ring group commit, streaming (1 producer) >= Aeron Archive fileSyncLevel=1",
            ratio("durable", Workloads.SMALL, new Workload.Ratio("Varve ring BATCH, 1 producer streaming",
            "Aeron Archive fileSyncLevel=1")), 1, true, "x");
        for (final String producers : List.of("1 producer (single-producer)", "2 producers (multi-producer)"))
        {
            target(md, "ring pipeline, " + producers + " >= 50% of direct append", ratio("pipeline",
                Workloads.SMALL, new Workload.Ratio("Varve ring, " + producers, "Varve direct append (one thread)")),
                0.5, true, "x");
        }
        for (final String column : List.of("Varve append", "Varve claim/commit"))
        {
            target(md, column + " 0 B/op (64 B)", allocation(append, "64", column), ZERO_ALLOCATION_BYTES, false,
                " B/op");
        }
        target(md, "Varve tail poll 0 B/op (64 B)", allocation("tail", "64", "Varve tailer, CRC checked"),
            ZERO_ALLOCATION_BYTES, false, " B/op");
        target(md, "Varve ring publish 0 B/op (64 B, 1 producer)",
            allocation("pipeline", "64", "Varve ring, 1 producer (single-producer)"), ZERO_ALLOCATION_BYTES, false,
            " B/op");
        for (final RecoverySuite.RecoveryCase recoveryCase : RecoverySuite.cases(facts.plan()))
        {
            if (recoveryCase.system() == BenchSystem.VARVE)
            {
                final double open = Stats.median(recoveryResults.stream()
                    .filter((r) -> r.recoveryCase().equals(recoveryCase)).map((r) -> r.openNanos() / 1e6).toList());
                target(md, "open <= 100 ms: " + recoveryCase.title(), open, 100, false, " ms");
            }
        }
        final double verify = Stats.median(recoveryResults.stream()
            .filter((r) -> r.recoveryCase().system() == BenchSystem.VARVE && r.verifyNanos() > 0)
            .map(RecoverySuite.RecoveryResult::verifyGigabytesPerSecond).toList());
        target(md, "verify >= 2 GB/s", verify, 2, true, " GB/s");
        return md.append('\n').toString();
    }

    private static void target(
        final StringBuilder md,
        final String name,
        final double measured,
        final double goal,
        final boolean atLeast,
        final String unit)
    {
        final String verdict = Double.isNaN(measured) ? "not measured" :
            (atLeast ? measured >= goal : measured <= goal) ? "met" : "**missed**";
        md.append("| ").append(name).append(SEPARATOR).append(Stats.decimal(measured, measured < 10 ? 3 : 1))
            .append(unit).append(SEPARATOR).append(verdict).append(" |\n");
    }

    /**
     * Draw the percentile charts again from the histogram files of a results folder, with this version's style.
     *
     * @param results the results folder, holding {@code latency/*.hdr}.
     * @return the chart file names written to {@code charts/}.
     */
    public static List<String> redrawCharts(final Path results)
    {
        final List<LatencySuite.LatencyRun> runs = new ArrayList<>();
        final java.util.regex.Pattern name = java.util.regex.Pattern.compile("([a-z0-9-]+)-([a-z]+)-r(\\d+)\\.hdr");
        try (java.util.stream.Stream<Path> files = Files.list(results.resolve("latency")))
        {
            for (final Path file : files.sorted().toList())
            {
                final java.util.regex.Matcher matcher = name.matcher(file.getFileName().toString());
                if (!matcher.matches())
                {
                    continue;
                }
                for (final LatencyScenario scenario : LatencyScenario.values())
                {
                    if (scenario.id().equals(matcher.group(1)))
                    {
                        final String prefix = file.getFileName().toString().replace(".hdr", "");
                        runs.add(new LatencySuite.LatencyRun(scenario,
                            BenchSystem.valueOf(matcher.group(2).toUpperCase(Locale.ROOT)),
                            Integer.parseInt(matcher.group(3)), HistogramFiles.read(file.resolveSibling(prefix))));
                    }
                }
            }
            Files.createDirectories(results.resolve("charts"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read histograms in " + results, ex);
        }
        return new SummaryReport(null, List.of(), List.of(), runs, List.of(), List.of())
            .writeCharts(results.resolve("charts"));
    }

    private List<String> writeCharts(final Path directory)
    {
        final List<String> names = new ArrayList<>();
        final Histogram noise = merged(LatencyScenario.JITTER, BenchSystem.MACHINE);
        for (final LatencyScenario scenario : LatencyScenario.values())
        {
            if (scenario == LatencyScenario.JITTER || !scenario.isRun() || latencyRuns.isEmpty())
            {
                continue;
            }
            final Map<String, Histogram> series = new LinkedHashMap<>();
            for (final BenchSystem system : LatencySuite.SYSTEMS)
            {
                series.put(system.displayName(), merged(scenario, system));
            }
            series.put("noise floor (nanoTime jitter)", noise);
            final String name = scenario.id() + ".png";
            LatencyChart.write(scenario.title() + " (all rounds)", series, directory.resolve(name));
            names.add(name);
        }
        return names;
    }

    private Histogram merged(final LatencyScenario scenario, final BenchSystem system)
    {
        final Histogram merged = HistogramFiles.newHistogram();
        for (final LatencySuite.LatencyRun run : latencyRuns)
        {
            if (run.scenario() == scenario && run.system() == system)
            {
                merged.add(run.histogram());
            }
        }
        return merged;
    }

    private String throughputCsv()
    {
        final StringBuilder csv = new StringBuilder(
            "workload,row,column,system,round,records_per_second,bytes_per_record\n");
        for (final Sample sample : samples)
        {
            csv.append(sample.workload()).append(',').append(sample.row()).append(",\"").append(sample.column())
                .append("\",").append(sample.system().name()).append(',').append(sample.round()).append(',')
                .append(Stats.decimal(sample.score(), 1)).append(',').append(Stats.decimal(sample.bytesPerRecord(), 4))
                .append('\n');
        }
        return csv.toString();
    }

    private String latencyCsv()
    {
        final StringBuilder csv = new StringBuilder(
            "scenario,system,round,count,p50_us,p90_us,p99_us,p99_9_us,p99_99_us,max_us,mean_us\n");
        for (final LatencySuite.LatencyRun run : latencyRuns)
        {
            final Histogram histogram = run.histogram();
            csv.append(run.scenario().id()).append(',').append(run.system().name()).append(',').append(run.round())
                .append(',').append(histogram.getTotalCount());
            for (final double percentile : PERCENTILES)
            {
                csv.append(',').append(Stats.decimal(micros(histogram.getValueAtPercentile(percentile)), 3));
            }
            csv.append(',').append(Stats.decimal(micros(histogram.getMaxValue()), 3)).append(',')
                .append(Stats.decimal(histogram.getMean() / HistogramFiles.NANOS_PER_MICRO, 3)).append('\n');
        }
        return csv.toString();
    }

    private String recoveryCsv()
    {
        final StringBuilder csv = new StringBuilder(
            "system,record_size,end,fsync,round,bytes,open_ms,scanned_bytes,attempts,verify_ms,verify_gb_per_s\n");
        for (final RecoverySuite.RecoveryResult result : recoveryResults)
        {
            final RecoverySuite.RecoveryCase recoveryCase = result.recoveryCase();
            csv.append(recoveryCase.system().name()).append(',').append(recoveryCase.size()).append(',')
                .append(recoveryCase.killed() ? "sigkill" : "clean").append(',').append(recoveryCase.fsync())
                .append(',').append(result.round()).append(',').append(result.bytes()).append(',')
                .append(Stats.decimal(result.openNanos() / 1e6, 3)).append(',').append(result.scannedBytes())
                .append(',').append(result.attempts()).append(',')
                .append(result.verifyNanos() < 0 ? "" : Stats.decimal(result.verifyNanos() / 1e6, 3)).append(',')
                .append(result.verifyNanos() < 0 ? "" : Stats.decimal(result.verifyGigabytesPerSecond(), 3))
                .append('\n');
        }
        return csv.toString();
    }

    private List<Double> scores(final String workload, final String row, final String column)
    {
        return samples.stream().filter((s) -> s.workload().equals(workload) && s.row().equals(row) &&
            s.column().equals(column)).map(Sample::score).toList();
    }

    private double allocation(final String workload, final String row, final String column)
    {
        return Stats.median(samples.stream().filter((s) -> s.workload().equals(workload) && s.row().equals(row) &&
            s.column().equals(column)).map(Sample::bytesPerRecord).toList());
    }

    private double ratio(final String workload, final String row, final Workload.Ratio ratio)
    {
        return Stats.median(scores(workload, row, ratio.numerator())) /
            Stats.median(scores(workload, row, ratio.denominator()));
    }

    private double latencyMicros(final LatencyScenario scenario, final BenchSystem system, final double percentile)
    {
        final List<Double> values = new ArrayList<>();
        for (final LatencySuite.LatencyRun run : latencyRuns)
        {
            if (run.scenario() == scenario && run.system() == system)
            {
                values.add(micros(percentile >= 100 ?
                    run.histogram().getMaxValue() : run.histogram().getValueAtPercentile(percentile)));
            }
        }
        return Stats.median(values);
    }

    private static double micros(final long nanos)
    {
        return nanos / HistogramFiles.NANOS_PER_MICRO;
    }

    private static <T> List<Double> values(final List<T> items, final ToDoubleFunction<T> value)
    {
        final List<Double> values = new ArrayList<>();
        for (final T item : items)
        {
            values.add(value.applyAsDouble(item));
        }
        return values;
    }
}
