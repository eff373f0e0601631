package io.varve.bench.jmh;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.varve.bench.EmbeddedArchive;
import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.concurrent.TimeUnit;

/**
 * Aeron Archive replay, records per second, run as Aeron's own replay sample ({@code EmbeddedReplayThroughput}) runs
 * it: the archive replays a recording made once (warm in the page cache) onto an IPC subscription; one operation
 * is one whole replay: a replay request ({@code AeronArchive.startReplay}), then polling the replay's
 * {@link Image} with a {@link FragmentHandler} (reading the first 8 bytes of each message), up to
 * {@value #FRAGMENT_LIMIT} fragments a poll, backing off as the sample does while the replayer is behind, until
 * the replay's length is consumed. Records are counted in {@link Records}, JMH's auxiliary counter, so the score
 * the suite reads is records per second, replay request and image setup included as in the sample. The archive's
 * replayer thread reads the segment files and publishes; Aeron Archive checks no checksum on replay unless
 * configured to.
 * <p>
 * Threading: one JMH thread, beside the driver's and the archive's threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AeronReplayBenchmark implements FragmentHandler
{
    /** Most fragments one poll delivers: the batch the other systems' tail benchmarks read. */
    public static final int FRAGMENT_LIMIT = TailData.BATCH;

    @Param({ "64", "256", "1024", "4096" })
    public int size;

    private final RunDirectory runDirectory = new RunDirectory("aeron-replay", TailData.bytes());
    // What Aeron's EmbeddedReplayThroughput idles with while the replayer has nothing new for it.
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1000, 1000);
    private EmbeddedArchive archive;
    private Subscription subscription;
    private long recordingId;
    private long stopPosition;
    private long recordCount;
    private long sink;

    /**
     * Records replayed, which JMH reports as a rate beside the replays per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Records
    {
        /** Records replayed in this iteration. */
        public long records;

        /**
         * Start each iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            records = 0;
        }
    }

    /**
     * Record the data set.
     */
    @Setup(Level.Trial)
    public void record()
    {
        archive = EmbeddedArchive.launch(runDirectory.open(false), 0);
        final UnsafeBuffer payload = Payload.direct(size);
        try (ExclusivePublication publication = archive.recordedPublication())
        {
            while (publication.position() < TailData.bytes())
            {
                if (publication.offer(payload, 0, size) < 0)
                {
                    Thread.yield();
                }
                else
                {
                    recordCount++;
                }
            }
            recordingId = archive.awaitRecorded(publication);
            stopPosition = publication.position();
            archive.archive().stopRecording(publication);
        }
        subscription = archive.aeron().addSubscription(
            EmbeddedArchive.REPLAY_CHANNEL, EmbeddedArchive.REPLAY_STREAM_ID);
    }

    /**
     * Close the archive and delete the recording.
     */
    @TearDown(Level.Trial)
    public void deleteRecording()
    {
        subscription.close();
        archive.close();
        runDirectory.close(TailData.bytes());
    }

    /**
     * Replay the whole recording once.
     *
     * @param records counts what was replayed.
     * @return a sum of what was read, so nothing is optimised away.
     */
    @Benchmark
    public long replay(final Records records)
    {
        final Image image = startReplay();
        final IdleStrategy idle = this.idle;
        idle.reset();
        while (image.position() < stopPosition)
        {
            final int fragments = image.poll(this, FRAGMENT_LIMIT);
            if (fragments == 0 && image.isClosed() && image.position() < stopPosition)
            {
                throw new IllegalStateException("replay image closed at position " + image.position() +
                    ", before the recording's stop position " + stopPosition);
            }
            idle.idle(fragments);
        }
        records.records += recordCount;
        return sink;
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        sink += buffer.getLong(offset);
    }

    private Image startReplay()
    {
        final long replaySessionId = archive.archive().startReplay(
            recordingId, 0L, stopPosition, EmbeddedArchive.REPLAY_CHANNEL, EmbeddedArchive.REPLAY_STREAM_ID);
        final IdleStrategy idle = this.idle;
        idle.reset();
        Image image = subscription.imageBySessionId((int)replaySessionId);
        while (image == null)
        {
            idle.idle();
            image = subscription.imageBySessionId((int)replaySessionId);
        }
        return image;
    }
}
