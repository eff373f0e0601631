package io.varve.bench;

import io.varve.bench.reader.ReaderSuite;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI's check of the bench module: the shaded benchmarks.jar runs one short smoke iteration of every benchmark,
 * latency scenario and recovery case, each in a fork or child JVM with its system's flags, and writes a results
 * folder. No figure is asserted: a smoke run measures nothing worth reading.
 */
class BenchmarkJarIT
{
    private static final long TIMEOUT_MINUTES = 5;

    @Test
    void shouldRunEveryBenchmarkOnceFromTheShadedJar() throws Exception
    {
        final Path jar = Path.of("target", "benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), "the package phase builds " + jar.toAbsolutePath());
        final Path results = Path.of("target", "smoke-results").toAbsolutePath();
        final Path log = Path.of("target", "smoke.log").toAbsolutePath();
        final Process process = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", jar.toAbsolutePath().toString(),
            BenchmarkSuite.class.getName(),
            "--smoke",
            "--out=" + results,
            "--dir=" + Path.of("target", "smoke-data").toAbsolutePath()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        assertTrue(process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES), "smoke run finished; see " + log);
        assertEquals(0, process.exitValue(), "smoke run succeeded; see " + log);

        final String summary = Files.readString(results.resolve("summary.md"));
        final List<Workload> workloads = new java.util.ArrayList<>(Workloads.of(SuitePlan.smoke()));
        workloads.addAll(ReaderSuite.workloads());
        for (final Workload workload : workloads)
        {
            assertTrue(summary.contains(workload.title()), "summary has " + workload.title());
            for (final Workload.Column column : workload.columns())
            {
                // the whole header cell: one label may be the start of another ("..., 1 producer streaming")
                assertTrue(summary.contains("| " + column.label() + " |"), "summary has " + column.label());
            }
        }
        assertTrue(summary.contains("| " + MachineProbe.PAGE_FAULTS + " | "), "summary has the page-fault probe");
        assertTrue(summary.contains("Live tailer lag"), "summary has the live tailer's lag table");
        assertTrue(summary.contains("## Latency"), "summary has the latency tables");
        assertTrue(summary.contains("## Recovery"), "summary has the recovery table");
        for (final String file : List.of("throughput.csv", "latency.csv", "recovery.csv",
            "charts" + File.separator + "paced.png", "charts" + File.separator + "e2e-process.png",
            "latency" + File.separator + "paced-varve-r1.hgrm"))
        {
            assertTrue(Files.size(results.resolve(file)) > 0, "results have " + file);
        }
    }
}
