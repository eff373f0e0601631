package io.varve.bench;

import io.varve.bench.jmh.AeronRecordingBenchmark;
import io.varve.bench.jmh.AeronReplayBenchmark;
import io.varve.bench.jmh.ChronicleAppendBenchmark;
import io.varve.bench.jmh.ChronicleTailBenchmark;
import io.varve.bench.jmh.VarveAppendBenchmark;
import io.varve.bench.jmh.VarveDurableBenchmark;
import io.varve.bench.jmh.VarveRingBenchmark;
import io.varve.bench.jmh.VarveTailBenchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JMH workloads the suite runs, in order: the one place to add a workload. Each names its columns (system
 * and variant) and the Varve/peer ratios the summary shows; the suite runs every column of a row in turn, round
 * after round, so the systems' repetitions interleave.
 * <p>
 * Threading: static methods, no state.
 */
public final class Workloads
{
    /** Records per forced batch of the group-commit workload. */
    public static final int GROUP_COMMIT_BATCH = 4096;
    /** Records per forced batch of the group-commit workload's large-batch column. */
    public static final int LARGE_GROUP_COMMIT_BATCH = 65536;
    /** Records a streaming durable producer may have unforced before it waits: about 6 MiB of 64-byte records. */
    public static final int DURABLE_WINDOW = 65536;
    /** Payload size of the durable and cold workloads. */
    public static final String SMALL = "64";

    private static final String VARVE_APPEND = "Varve append";
    private static final String VARVE_CLAIM = "Varve claim/commit";
    private static final String CHRONICLE_DOCUMENT = "Chronicle DocumentContext";
    private static final String AERON_RECORDING = "Aeron Archive recording";

    private Workloads()
    {
    }

    /**
     * The workloads of a plan.
     *
     * @param plan of the suite.
     * @return the workloads, in the order they run.
     */
    public static List<Workload> of(final SuitePlan plan)
    {
        final List<Workload> workloads = new ArrayList<>();
        workloads.add(append(plan.appendSizes(), null, 0));
        workloads.add(tail(plan.tailSizes()));
        workloads.add(pipeline());
        workloads.add(durable());
        if (plan.coldRound())
        {
            workloads.add(coldAppend());
        }
        return workloads;
    }

    private static Workload append(final List<String> sizes, final String memory, final int rounds)
    {
        final String varve = VarveAppendBenchmark.class.getName();
        return new Workload("append", "Append from one thread, msg/s", "msg/s", "size", sizes, List.of(
            column(VARVE_APPEND, BenchSystem.VARVE, varve + ".append", Map.of("checksums", "true"), 1),
            column("Varve append, no CRC", BenchSystem.VARVE, varve + ".append", Map.of("checksums", "false"), 1),
            column(VARVE_CLAIM, BenchSystem.VARVE, varve + ".claim", Map.of("checksums", "true"), 1),
            column("Varve claim/commit, no CRC", BenchSystem.VARVE, varve + ".claim", Map.of("checksums", "false"), 1),
            column("Chronicle writeBytes", BenchSystem.CHRONICLE,
                ChronicleAppendBenchmark.class.getName() + ".writeBytes", Map.of(), 1),
            column(CHRONICLE_DOCUMENT, BenchSystem.CHRONICLE,
                ChronicleAppendBenchmark.class.getName() + ".documentContext", Map.of(), 1),
            column(AERON_RECORDING, BenchSystem.AERON, AeronRecordingBenchmark.class.getName() + ".offer",
                Map.of("fileSyncLevel", "0"), 1)),
            List.of(
                new Workload.Ratio(VARVE_APPEND, CHRONICLE_DOCUMENT),
                new Workload.Ratio(VARVE_APPEND, AERON_RECORDING),
                new Workload.Ratio(VARVE_CLAIM, CHRONICLE_DOCUMENT),
                new Workload.Ratio(VARVE_CLAIM, AERON_RECORDING)),
            memory, rounds);
    }

    private static Workload tail(final List<String> sizes)
    {
        final String varve = VarveTailBenchmark.class.getName() + ".read";
        final String checked = "Varve tailer, CRC checked";
        final String unchecked = "Varve tailer, no CRC check";
        final String chronicle = "Chronicle tailer";
        final String aeron = "Aeron Archive replay";
        return new Workload("tail", "Tail read, warm, msg/s", "msg/s", "size", sizes, List.of(
            column(checked, BenchSystem.VARVE, varve, Map.of("verifyChecksums", "true"), 1),
            column(unchecked, BenchSystem.VARVE, varve, Map.of("verifyChecksums", "false"), 1),
            column(chronicle, BenchSystem.CHRONICLE, ChronicleTailBenchmark.class.getName() + ".read", Map.of(), 1),
            column(aeron, BenchSystem.AERON, AeronReplayBenchmark.class.getName() + ".read", Map.of(), 1)),
            List.of(
                new Workload.Ratio(checked, chronicle),
                new Workload.Ratio(checked, aeron),
                new Workload.Ratio(unchecked, chronicle),
                new Workload.Ratio(unchecked, aeron)),
            null, 0);
    }

    private static Workload pipeline()
    {
        final String ring = VarveRingBenchmark.class.getName();
        final String direct = "Varve direct append (one thread)";
        final String one = "Varve ring, 1 producer (single-producer)";
        final String two = "Varve ring, 2 producers (multi-producer)";
        return new Workload("pipeline", "Ring pipeline: producers -> ring -> journaling thread -> journal, msg/s",
            "msg/s", "size", List.of(SMALL), List.of(
            column(direct, BenchSystem.VARVE, VarveAppendBenchmark.class.getName() + ".append",
                Map.of("checksums", "true"), 1),
            column(one, BenchSystem.VARVE, ring + ".pipeline1", Map.of(), 1),
            column(two, BenchSystem.VARVE, ring + ".pipeline2", Map.of(), 1)),
            List.of(new Workload.Ratio(one, direct), new Workload.Ratio(two, direct)),
            null, 0);
    }

    private static Workload durable()
    {
        final String varve = VarveDurableBenchmark.class.getName();
        final String group = "Varve BATCH, sync per " + GROUP_COMMIT_BATCH;
        final String largeGroup = "Varve BATCH, sync per " + LARGE_GROUP_COMMIT_BATCH;
        final String every = "Varve EVERY_RECORD";
        final String ring = "Varve ring BATCH, 1 producer";
        final String ring2 = "Varve ring BATCH, 2 producers";
        final String stream = "Varve ring BATCH, 1 producer streaming";
        final String stream2 = "Varve ring BATCH, 2 producers streaming";
        final Map<String, String> window = Map.of("window", Integer.toString(DURABLE_WINDOW));
        final String aeron = "Aeron Archive fileSyncLevel=1";
        return new Workload("durable", "Durable append (acknowledged after force), msg/s", "msg/s", "size",
            List.of(SMALL), List.of(
            column(group, BenchSystem.VARVE, varve + ".groupCommit",
                Map.of("batch", Integer.toString(GROUP_COMMIT_BATCH)), GROUP_COMMIT_BATCH),
            column(largeGroup, BenchSystem.VARVE, varve + ".groupCommit",
                Map.of("batch", Integer.toString(LARGE_GROUP_COMMIT_BATCH)), LARGE_GROUP_COMMIT_BATCH),
            column(every, BenchSystem.VARVE, varve + ".everyRecord", Map.of(), 1),
            column(ring, BenchSystem.VARVE, VarveRingBenchmark.class.getName() + ".durable1",
                Map.of("batch", Integer.toString(GROUP_COMMIT_BATCH)), GROUP_COMMIT_BATCH),
            column(ring2, BenchSystem.VARVE, VarveRingBenchmark.class.getName() + ".durable2",
                Map.of("batch", Integer.toString(GROUP_COMMIT_BATCH)), GROUP_COMMIT_BATCH),
            column(stream, BenchSystem.VARVE, VarveRingBenchmark.class.getName() + ".durableStream1", window, 1),
            column(stream2, BenchSystem.VARVE, VarveRingBenchmark.class.getName() + ".durableStream2", window, 1),
            column(aeron, BenchSystem.AERON, AeronRecordingBenchmark.class.getName() + ".offer",
                Map.of("fileSyncLevel", "1"), 1)),
            List.of(new Workload.Ratio(group, aeron), new Workload.Ratio(largeGroup, aeron),
                new Workload.Ratio(ring, aeron), new Workload.Ratio(ring2, aeron),
                new Workload.Ratio(stream, aeron), new Workload.Ratio(stream2, aeron),
                new Workload.Ratio(every, aeron)),
            null, 0);
    }

    private static Workload coldAppend()
    {
        final Workload warm = append(List.of(SMALL), "cold", 1);
        final List<Workload.Column> columns = new ArrayList<>();
        for (final Workload.Column column : warm.columns())
        {
            if (column.label().equals(VARVE_APPEND) || column.label().equals(CHRONICLE_DOCUMENT) ||
                column.label().equals(AERON_RECORDING))
            {
                columns.add(column);
            }
        }
        return new Workload("append-cold", "Append from one thread, COLD memory (one round), msg/s", "msg/s",
            "size", warm.rows(), columns, List.of(
            new Workload.Ratio(VARVE_APPEND, CHRONICLE_DOCUMENT),
            new Workload.Ratio(VARVE_APPEND, AERON_RECORDING)), "cold", 1);
    }

    private static Workload.Column column(
        final String label,
        final BenchSystem system,
        final String benchmark,
        final Map<String, String> params,
        final int multiplier)
    {
        return new Workload.Column(label, system, benchmark, params, multiplier);
    }
}
