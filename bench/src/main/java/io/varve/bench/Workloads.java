package io.varve.bench;

import io.varve.bench.jmh.AeronRecordingBenchmark;
import io.varve.bench.jmh.AeronReplayBenchmark;
import io.varve.bench.jmh.ChronicleAppendBenchmark;
import io.varve.bench.jmh.ChronicleTailBenchmark;
import io.varve.bench.jmh.VarveAppendBenchmark;
import io.varve.bench.jmh.VarveDurableBenchmark;
import io.varve.bench.jmh.VarveRingBenchmark;
import io.varve.bench.jmh.VarveTailBenchmark;

import io.varve.journal.WriteMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JMH workloads the suite runs, in order: the one place to add a JMH workload. Each names its columns (system
 * and variant) and the Varve/peer ratios the summary shows; the suite runs every column of a row in turn, round
 * after round, so the systems' repetitions interleave. The reader workloads that need processes of their own
 * (fresh-process replay, live cross-process tailer) are listed in {@link io.varve.bench.reader.ReaderSuite}.
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

    /** JMH parameter of the Varve write benchmarks that picks the {@link WriteMode}. */
    public static final String WRITE_MODE_PARAM = "writeMode";
    /** Label suffix of a Varve column's {@link WriteMode#POSITIONAL} twin. */
    public static final String POSITIONAL_SUFFIX = ", POSITIONAL";
    /** Column: Varve's copying append, CRC32C on. */
    public static final String VARVE_APPEND = "Varve append";
    /** Column: Varve's claim/commit, CRC32C on. */
    public static final String VARVE_CLAIM = "Varve claim/commit";
    /** Column: Chronicle Queue's writing document. */
    public static final String CHRONICLE_DOCUMENT = "Chronicle DocumentContext";
    /** Column: Aeron Archive's recorded publication. */
    public static final String AERON_RECORDING = "Aeron Archive recording";
    /** Column: Varve group commit, closed loop. */
    public static final String GROUP_COMMIT = "Varve BATCH, sync per " + GROUP_COMMIT_BATCH;
    /** Column: Varve ring group commit, one producer, closed loop. */
    public static final String RING_GROUP_COMMIT = "Varve ring BATCH, 1 producer";
    /** Column: Varve ring group commit, one producer, streaming. */
    public static final String RING_STREAMING = "Varve ring BATCH, 1 producer streaming";
    /** Column: Aeron Archive recording with its recorder forcing what it writes. */
    public static final String AERON_FSYNC = "Aeron Archive fileSyncLevel=1";

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
        workloads.add(append(plan.appendSizes(), null, 0, plan.allWriteModes()));
        workloads.add(tail(plan.tailSizes()));
        workloads.add(pipeline());
        workloads.add(durable(plan.allWriteModes()));
        if (plan.coldRound())
        {
            workloads.add(coldAppend());
        }
        return workloads;
    }

    private static Workload append(
        final List<String> sizes, final String memory, final int rounds, final boolean allWriteModes)
    {
        final String varve = VarveAppendBenchmark.class.getName();
        final Map<String, String> crc = Map.of("checksums", "true");
        final Map<String, String> noCrc = Map.of("checksums", "false");
        final List<Workload.Column> columns = new ArrayList<>();
        varve(columns, VARVE_APPEND, varve + ".append", crc, 1, true);
        varve(columns, "Varve append, no CRC", varve + ".append", noCrc, 1, allWriteModes);
        varve(columns, VARVE_CLAIM, varve + ".claim", crc, 1, allWriteModes);
        varve(columns, "Varve claim/commit, no CRC", varve + ".claim", noCrc, 1, allWriteModes);
        columns.add(column("Chronicle writeBytes", BenchSystem.CHRONICLE,
            ChronicleAppendBenchmark.class.getName() + ".writeBytes", Map.of(), 1));
        columns.add(column(CHRONICLE_DOCUMENT, BenchSystem.CHRONICLE,
            ChronicleAppendBenchmark.class.getName() + ".documentContext", Map.of(), 1));
        columns.add(column(AERON_RECORDING, BenchSystem.AERON, AeronRecordingBenchmark.class.getName() + ".offer",
            Map.of("fileSyncLevel", "0"), 1));
        final List<Workload.Ratio> ratios = new ArrayList<>();
        final List<String> numerators = new ArrayList<>(List.of(VARVE_APPEND, positional(VARVE_APPEND), VARVE_CLAIM));
        if (allWriteModes)
        {
            numerators.add(positional(VARVE_CLAIM));
        }
        for (final String numerator : numerators)
        {
            ratios.add(new Workload.Ratio(numerator, CHRONICLE_DOCUMENT));
            ratios.add(new Workload.Ratio(numerator, AERON_RECORDING));
        }
        return new Workload("append", "Append from one thread, msg/s", "msg/s", "size", sizes, columns, ratios,
            memory, rounds);
    }

    /**
     * The label of a Varve column's {@link WriteMode#POSITIONAL} twin.
     *
     * @param label of the column, which writes {@link WriteMode#MAPPED}.
     * @return the twin's label.
     */
    public static String positional(final String label)
    {
        return label + POSITIONAL_SUFFIX;
    }

    // A Varve column in WriteMode.MAPPED, the default, and, when asked, its WriteMode.POSITIONAL twin: every Varve
    // column of the write benchmarks names its mode, or JMH would run both modes in one fork.
    private static void varve(
        final List<Workload.Column> columns,
        final String label,
        final String benchmark,
        final Map<String, String> params,
        final int multiplier,
        final boolean bothModes)
    {
        columns.add(column(label, BenchSystem.VARVE, benchmark, withMode(params, WriteMode.MAPPED), multiplier));
        if (bothModes)
        {
            columns.add(column(positional(label), BenchSystem.VARVE, benchmark,
                withMode(params, WriteMode.POSITIONAL), multiplier));
        }
    }

    private static Map<String, String> withMode(final Map<String, String> params, final WriteMode mode)
    {
        final Map<String, String> all = new java.util.TreeMap<>(params);
        all.put(WRITE_MODE_PARAM, mode.name());
        return all;
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
            column(aeron, BenchSystem.AERON, AeronReplayBenchmark.class.getName() + ".replay", Map.of(), 1)),
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
                withMode(Map.of("checksums", "true"), WriteMode.MAPPED), 1),
            column(one, BenchSystem.VARVE, ring + ".pipeline1", withMode(Map.of(), WriteMode.MAPPED), 1),
            column(two, BenchSystem.VARVE, ring + ".pipeline2", withMode(Map.of(), WriteMode.MAPPED), 1)),
            List.of(new Workload.Ratio(one, direct), new Workload.Ratio(two, direct)),
            null, 0);
    }

    private static Workload durable(final boolean allWriteModes)
    {
        final String varve = VarveDurableBenchmark.class.getName();
        final String ringBenchmark = VarveRingBenchmark.class.getName();
        final String largeGroup = "Varve BATCH, sync per " + LARGE_GROUP_COMMIT_BATCH;
        final String every = "Varve EVERY_RECORD";
        final String ring2 = "Varve ring BATCH, 2 producers";
        final String stream2 = "Varve ring BATCH, 2 producers streaming";
        final Map<String, String> batch = Map.of("batch", Integer.toString(GROUP_COMMIT_BATCH));
        final Map<String, String> window = Map.of("window", Integer.toString(DURABLE_WINDOW));
        final List<Workload.Column> columns = new ArrayList<>();
        varve(columns, GROUP_COMMIT, varve + ".groupCommit", batch, GROUP_COMMIT_BATCH, true);
        varve(columns, largeGroup, varve + ".groupCommit",
            Map.of("batch", Integer.toString(LARGE_GROUP_COMMIT_BATCH)), LARGE_GROUP_COMMIT_BATCH, allWriteModes);
        varve(columns, every, varve + ".everyRecord", Map.of(), 1, allWriteModes);
        varve(columns, RING_GROUP_COMMIT, ringBenchmark + ".durable1", batch, GROUP_COMMIT_BATCH, true);
        varve(columns, ring2, ringBenchmark + ".durable2", batch, GROUP_COMMIT_BATCH, allWriteModes);
        varve(columns, RING_STREAMING, ringBenchmark + ".durableStream1", window, 1, true);
        varve(columns, stream2, ringBenchmark + ".durableStream2", window, 1, allWriteModes);
        columns.add(column(AERON_FSYNC, BenchSystem.AERON, AeronRecordingBenchmark.class.getName() + ".offer",
            Map.of("fileSyncLevel", "1"), 1));
        final List<Workload.Ratio> ratios = new ArrayList<>();
        for (final Workload.Column column : columns)
        {
            if (column.system() == BenchSystem.VARVE)
            {
                ratios.add(new Workload.Ratio(column.label(), AERON_FSYNC));
            }
        }
        return new Workload("durable", "Durable append (acknowledged after force), msg/s", "msg/s", "size",
            List.of(SMALL), columns, ratios, null, 0);
    }

    private static Workload coldAppend()
    {
        final Workload warm = append(List.of(SMALL), "cold", 1, false);
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
