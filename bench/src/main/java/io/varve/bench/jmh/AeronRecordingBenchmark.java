package io.varve.bench.jmh;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.varve.bench.EmbeddedArchive;
import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
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
 * Aeron Archive's recording rate, records per second: one thread offers to an exclusive IPC publication that an
 * embedded archive records to disk. The publisher can run at most a term window ahead of the recorder, so the rate
 * it sustains is the recording rate; each iteration ends by waiting until the archive has recorded everything.
 * {@code fileSyncLevel=1} makes the recorder force the data it writes: the peer of Varve's durable append.
 * <p>
 * Threading: one JMH thread, beside the driver's and the archive's threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AeronRecordingBenchmark
{
    @Param({ "64", "256", "1024", "4096" })
    public int size;

    @Param({ "0" })
    public int fileSyncLevel;

    private final RunDirectory runDirectory = new RunDirectory("aeron-record", 1L << 30);
    private final UnsafeBuffer payload = Payload.direct(Payload.MAX_LENGTH);
    private EmbeddedArchive archive;
    private ExclusivePublication publication;

    /**
     * Launch a fresh archive after bringing memory to the run's state.
     *
     * @param iteration which iteration comes.
     */
    @Setup(Level.Iteration)
    public void launchArchive(final IterationParams iteration)
    {
        archive = EmbeddedArchive.launch(
            runDirectory.open(iteration.getType() == IterationType.MEASUREMENT), fileSyncLevel);
        publication = archive.recordedPublication();
    }

    /**
     * Wait for the recording to catch up, close and delete it.
     */
    @TearDown(Level.Iteration)
    public void closeArchive()
    {
        archive.awaitRecorded(publication);
        final long written = publication.position();
        archive.archive().stopRecording(publication);
        publication.close();
        archive.close();
        runDirectory.close(written);
    }

    /**
     * Offer one message, retrying while the recorder holds the publisher back.
     *
     * @return the publication's position.
     */
    @Benchmark
    public long offer()
    {
        long result;
        while ((result = publication.offer(payload, 0, size)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("publication cannot take more: result=" + result);
            }
            Thread.yield();
        }
        return result;
    }
}
