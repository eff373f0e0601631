package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * Varve append from one thread, records per second: {@code append} copies a payload into the journal,
 * {@code claim} claims the frame and writes the payload in place before committing it. Checksums on and off.
 * Default settings otherwise: 64 MiB segments allocated and pre-touched ahead of the writer, no fsync.
 * <p>
 * Threading: one JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VarveAppendBenchmark
{
    @Param({ "64", "256", "1024", "4096" })
    public int size;

    @Param({ "true", "false" })
    public boolean checksums;

    /** How the writer puts frames into segment files: mapped stores, or positional writes to the file. */
    @Param({ "MAPPED", "POSITIONAL" })
    public WriteMode writeMode;

    private final RunDirectory runDirectory = new RunDirectory("varve-append", 1L << 30);
    private final UnsafeBuffer payload = Payload.direct(Payload.MAX_LENGTH);
    private Journal journal;
    private Appender appender;
    private long startPosition;

    /**
     * Open a fresh journal after bringing memory to the run's state.
     *
     * @param iteration which iteration comes.
     */
    @Setup(Level.Iteration)
    public void openJournal(final IterationParams iteration)
    {
        journal = Journal.open(new JournalContext()
            .directory(runDirectory.open(iteration.getType() == IterationType.MEASUREMENT))
            .fsyncPolicy(FsyncPolicy.NONE)
            .frameChecksums(checksums)
            .writeMode(writeMode));
        appender = journal.appender();
        startPosition = appender.position();
        // One batch per iteration: in POSITIONAL the stage is written each time it fills (64 KiB), as a producer that
        // appends a stream would use it; a direct append outside a batch is written before it returns. A no-op in
        // MAPPED, where every record is published by its commit.
        appender.beginBatch();
    }

    /**
     * Close and delete the journal.
     */
    @TearDown(Level.Iteration)
    public void closeJournal()
    {
        appender.endBatch();
        final long written = appender.position() - startPosition;
        journal.close();
        runDirectory.close(written);
    }

    /**
     * Copy a payload into the journal.
     *
     * @return the record's position.
     */
    @Benchmark
    public long append()
    {
        return appender.append(payload, 0, size);
    }

    /**
     * Claim a frame, write the payload in place, commit.
     *
     * @return the record's position.
     */
    @Benchmark
    public long claim()
    {
        final RecordClaim claim = appender.claim(size, 0);
        claim.buffer().putBytes(0, payload, 0, size);
        return claim.commit();
    }
}
