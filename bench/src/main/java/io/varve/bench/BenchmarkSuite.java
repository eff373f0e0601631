package io.varve.bench;

import io.varve.bench.latency.LatencySuite;
import io.varve.bench.reader.ReaderSuite;
import io.varve.bench.recovery.RecoverySuite;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one command that runs the suite and writes a results folder with {@code summary.md}:
 * <pre>
 * bench/run --quick     # the short suite, about twelve minutes on 2 cores (the default)
 * bench/run --full      # every size, more rounds, longer runs
 * bench/run --smoke     # one short iteration of everything: checks that it runs, measures nothing
 * </pre>
 * Options: {@code --out=DIR} (default {@code results/DATE-MODE}), {@code --dir=DIR} where benchmarks write
 * (default under java.io.tmpdir; use the disk you want measured), {@code --only=a,b} to run some parts only:
 * workload ids ({@code append}, {@code tail}, {@code pipeline}, {@code durable}, {@code append-cold},
 * {@code replay-fresh}, {@code tail-second}, {@code tail-live}), {@code latency}, {@code recovery};
 * {@code --page-fault-mib=N} sizes the page-fault probe (default 512, 32 with {@code --smoke});
 * {@code --redraw=DIR} draws the charts of a results folder again from its histogram files.
 * <p>
 * Threading: main thread; JMH forks and child JVMs do the measuring.
 */
public final class BenchmarkSuite
{
    private BenchmarkSuite()
    {
    }

    /**
     * Run the suite.
     *
     * @param args options, see the class comment.
     */
    public static void main(final String[] args)
    {
        final Arguments arguments = new Arguments(args);
        System.setProperty(ForkFlags.VARVE_NATIVE_ACCESS_PROP_NAME,
            Boolean.toString(arguments.has("varve-native-access")));
        if (arguments.has("redraw"))
        {
            final Path folder = Path.of(arguments.get("redraw", null));
            System.out.println("redrew " + SummaryReport.redrawCharts(folder) + " in " + folder.resolve("charts"));
            return;
        }
        final SuitePlan plan = arguments.has("full") ? SuitePlan.full() :
            arguments.has("smoke") ? SuitePlan.smoke() : SuitePlan.quick();
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final Path results = Path.of(arguments.get("out", "results/" +
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started) + "-" +
            plan.name())).toAbsolutePath();
        final Path data = Path.of(arguments.get("dir", Path.of(System.getProperty("java.io.tmpdir"),
            "varve-bench-" + ProcessHandle.current().pid()).toString())).toAbsolutePath();
        final Set<String> only = arguments.has("only") ? Set.of(arguments.get("only", "").split(",")) : Set.of();
        final PrintStream out = System.out;
        try
        {
            Files.createDirectories(results);
            RunDirectory.deleteTree(data);
            Files.createDirectories(data);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final String command = "bench/run --" + plan.name() + (only.isEmpty() ? "" : " --only=" +
            String.join(",", only)) + (arguments.has("varve-native-access") ? " --varve-native-access" : "");

        out.println("Varve bench: " + plan.name() + " suite -> " + results);
        EmbeddedArchive.deleteStaleDriverDirectories();
        final MachineProbe probe = new MachineProbe();
        final String loadStart = MachineProbe.loadAverage();
        final double[] roundTripStart = MachineProbe.roundTripNanos();
        probe.start();
        out.printf("cross-core round trip %.0f ns (best %.0f), load %s%n",
            roundTripStart[0], roundTripStart[1], loadStart);
        out.println(probe.probePageFaults(results, data, arguments.getLong("page-fault-mib",
            plan.pageFaultMebibytes())));
        try
        {
            final List<Workload> workloads = new ArrayList<>();
            final List<Sample> samples = new ArrayList<>();
            final ThroughputSuite throughput = new ThroughputSuite(plan, results, data, out);
            for (final Workload workload : Workloads.of(plan))
            {
                if (only.isEmpty() || only.contains(workload.id()))
                {
                    out.println(workload.title());
                    workloads.add(workload);
                    samples.addAll(throughput.run(workload));
                }
            }
            final Set<String> readerIds = new java.util.LinkedHashSet<>();
            for (final Workload workload : ReaderSuite.workloads())
            {
                if (only.isEmpty() || only.contains(workload.id()))
                {
                    workloads.add(workload);
                    readerIds.add(workload.id());
                }
            }
            List<ReaderSuite.LiveResult> live = List.of();
            if (!readerIds.isEmpty())
            {
                out.println("Readers across processes: " + String.join(", ", readerIds));
                final ReaderSuite.Results reader = new ReaderSuite(plan, results, data, out).run(readerIds);
                samples.addAll(reader.samples());
                live = reader.live();
            }
            List<LatencySuite.LatencyRun> latency = List.of();
            if (only.isEmpty() || only.contains("latency"))
            {
                out.println("Latency");
                latency = new LatencySuite(plan, results, data, out).run();
            }
            List<RecoverySuite.RecoveryResult> recovery = List.of();
            if (only.isEmpty() || only.contains("recovery"))
            {
                out.println("Recovery and verification");
                recovery = new RecoverySuite(plan, results, data, out).run();
            }
            final double steal = probe.stealPercent();
            final double[] roundTripEnd = MachineProbe.roundTripNanos();
            final long seconds = ChronoUnit.SECONDS.between(started, Instant.now());
            final RunFacts facts = new RunFacts(plan, command, started.toString(), seconds, probe.describe(data),
                steal, roundTripStart, roundTripEnd, loadStart, MachineProbe.loadAverage());
            new SummaryReport(facts, workloads, samples, latency, recovery, live).write(results);
            out.printf("done in %d min %d s: %s%n", seconds / 60, seconds % 60, results.resolve("summary.md"));
        }
        finally
        {
            RunDirectory.deleteTree(data);
            EmbeddedArchive.deleteStaleDriverDirectories();
        }
    }
}
