package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * Varve durable append: every record is acknowledged only once it is forced to storage. {@code groupCommit}
 * ({@link FsyncPolicy#BATCH}) appends {@code batch} records and forces once, as the ring's journaling thread does
 * at the end of a batch: one operation is one batch, so records per second are the score times {@code batch}.
 * {@code everyRecord} ({@link FsyncPolicy#EVERY_RECORD}) forces after each record: one operation is one record.
 * <p>
 * Threading: one JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VarveDurableBenchmark
{
    @Param({ "64" })
    public int size;

    @Param({ "4096" })
    public int batch;

    /** How the writer puts frames into segment files: mapped stores, or positional writes to the file. */
    @Param({ "MAPPED", "POSITIONAL" })
    public WriteMode writeMode;

    private final RunDirectory runDirectory = new RunDirectory("varve-durable", 512L << 20);
    private final UnsafeBuffer payload = Payload.direct(Payload.MAX_LENGTH);
    private Journal journal;
    private Appender appender;
    private long startPosition;

    /**
     * Open a fresh journal with the benchmark's fsync policy, after bringing memory to the run's state.
     *
     * @param benchmark which benchmark runs.
     * @param iteration which iteration comes.
     */
    @Setup(Level.Iteration)
    public void openJournal(final BenchmarkParams benchmark, final IterationParams iteration)
    {
        final FsyncPolicy policy = benchmark.getBenchmark().endsWith("everyRecord") ?
            FsyncPolicy.EVERY_RECORD : FsyncPolicy.BATCH;
        journal = Journal.open(new JournalContext()
            .directory(runDirectory.open(iteration.getType() == IterationType.MEASUREMENT))
            .fsyncPolicy(policy)
            .writeMode(writeMode));
        appender = journal.appender();
        startPosition = appender.position();
    }

    /**
     * Close and delete the journal.
     */
    @TearDown(Level.Iteration)
    public void closeJournal()
    {
        final long written = appender.position() - startPosition;
        journal.close();
        runDirectory.close(written);
    }

    /**
     * Append a batch of records, then force them.
     *
     * @return the durable position.
     */
    @Benchmark
    public long groupCommit()
    {
        // the batch a group commit covers is staged whole in POSITIONAL and written once (a no-op in MAPPED)
        appender.beginBatch();
        for (int i = 0; i < batch; i++)
        {
            appender.append(payload, 0, size);
        }
        appender.endBatch();
        return appender.sync();
    }

    /**
     * Append one record, forced before the call returns.
     *
     * @return the record's position.
     */
    @Benchmark
    public long everyRecord()
    {
        return appender.append(payload, 0, size);
    }
}
