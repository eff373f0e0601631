package io.varve.bench;

import io.varve.bench.reader.ReaderSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryReportTest
{
    private static final String ISSUE_13 = "## Targets of issue 13";
    private static final int ISSUE_13_TARGETS = 4 + 2 * 7;

    @TempDir
    Path results;

    @Test
    void shouldFindTheFigureOfEveryIssue13TargetInASyntheticRun() throws Exception
    {
        final List<Workload> workloads = allWorkloads(SuitePlan.quick());
        final List<String> rows = issue13Rows(summary(workloads, samples(workloads, null), List.of(liveRun(false))));

        assertEquals(ISSUE_13_TARGETS, rows.size(), "issue 13 targets: " + rows);
        for (final String row : rows)
        {
            assertFalse(row.contains("not measured"), "target finds its figure: " + row);
        }
    }

    @Test
    void shouldSayATargetIsNotMeasuredWhenItsColumnIsMissing() throws Exception
    {
        final List<Workload> workloads = allWorkloads(SuitePlan.quick());
        final String missing = Workloads.positional(Workloads.RING_STREAMING);
        final List<String> rows = issue13Rows(summary(workloads, samples(workloads, missing), List.of()));

        final List<String> unmeasured = rows.stream().filter((r) -> r.contains("not measured")).toList();
        assertEquals(2, unmeasured.size(), "the POSITIONAL streaming target and the live target: " + unmeasured);
        assertTrue(unmeasured.get(0).startsWith("| live tailer keeps up"), unmeasured.get(0));
        assertTrue(unmeasured.get(1).contains("streaming (ring, 1 producer), POSITIONAL"), unmeasured.get(1));
    }

    @Test
    void shouldCallALiveRunWhoseLagGrowsMissed() throws Exception
    {
        final List<Workload> workloads = allWorkloads(SuitePlan.quick());
        final String summary = summary(workloads, samples(workloads, null), List.of(liveRun(true)));
        final String live = issue13Rows(summary).stream().filter((r) -> r.startsWith("| live tailer")).findFirst()
            .orElseThrow();

        assertTrue(live.endsWith("| **missed** |"), live);
        assertTrue(summary.contains("| Varve | 1 | 20,000,000 | 19,000,000 | 100 | 10 | 20 | 30 | 1000 | 50000 | " +
            "**yes** |"), "the live table shows the run");
    }

    @Test
    void shouldDescribeThePageFaultProbesOutput()
    {
        final String line = MachineProbe.describePageFaults(
            "noise\nPAGE_FAULTS mib=512 page=4096 anon_write=250 file_write=900 cached_read=60 populate=40\n");

        assertEquals("first write to fresh anonymous memory 250 ns/page; first write to a fresh file page (shared " +
            "mapping) 900 ns/page; first read of a cached file page through a new mapping 60 ns/page; " +
            "mmap(MAP_POPULATE) of the cached file 40 ns/page (512 MiB, 4096-byte pages, page_fault_probe.c)", line);
        assertTrue(MachineProbe.describePageFaults("cc: error").startsWith("page-fault probe: no result"));
    }

    private static List<Workload> allWorkloads(final SuitePlan plan)
    {
        final List<Workload> workloads = new ArrayList<>(Workloads.of(plan));
        workloads.addAll(ReaderSuite.workloads());
        return workloads;
    }

    private static List<Sample> samples(final List<Workload> workloads, final String skippedColumn)
    {
        final List<Sample> samples = new ArrayList<>();
        for (final Workload workload : workloads)
        {
            for (final String row : workload.rows())
            {
                for (final Workload.Column column : workload.columns())
                {
                    if (!column.label().equals(skippedColumn))
                    {
                        final double score = column.system() == BenchSystem.VARVE ? 3e6 : 1e6;
                        samples.add(new Sample(workload.id(), row, column.label(), column.system(), 1, score, 0));
                    }
                }
            }
        }
        return samples;
    }

    private static ReaderSuite.LiveResult liveRun(final boolean grows)
    {
        return new ReaderSuite.LiveResult(BenchSystem.VARVE, 1, 1_000_000, 20e6, 19e6, 100, 10, 20, 30, 1000,
            grows ? 50_000 : 1000);
    }

    private String summary(
        final List<Workload> workloads, final List<Sample> samples, final List<ReaderSuite.LiveResult> live)
        throws Exception
    {
        final RunFacts facts = new RunFacts(SuitePlan.quick(), "bench/run --quick", "2026-01-01T00:00:00Z", 1,
            Map.of(MachineProbe.PAGE_FAULTS, "page-fault probe: not run (no C compiler)"), 0,
            new double[]{ 100, 90 }, new double[]{ 100, 90 }, "0 0 0", "0 0 0");
        new SummaryReport(facts, workloads, samples, List.of(), List.of(), live).write(results);
        return Files.readString(results.resolve("summary.md"));
    }

    private static List<String> issue13Rows(final String summary)
    {
        final int start = summary.indexOf(ISSUE_13);
        assertTrue(start >= 0, "summary has " + ISSUE_13);
        final int end = summary.indexOf("\n## ", start + 1);
        final List<String> rows = new ArrayList<>();
        for (final String line : summary.substring(start, end).split("\n"))
        {
            if (line.startsWith("| ") && !line.startsWith("| target "))
            {
                rows.add(line);
            }
        }
        return rows;
    }
}
