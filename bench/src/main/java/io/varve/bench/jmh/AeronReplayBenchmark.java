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
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Aeron Archive replay, records per second: the archive replays a recording made once (warm in the page cache)
 * onto an IPC subscription that one thread polls, reading the first 8 bytes of each message; at the end of a
 * replay the next one starts from position 0. The archive's replayer thread reads the segment files and publishes;
 * Aeron Archive checks no checksum on replay unless configured to.
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
    @Param({ "64", "256", "1024", "4096" })
    public int size;

    private final RunDirectory runDirectory = new RunDirectory("aeron-replay", TailData.bytes());
    private EmbeddedArchive archive;
    private Subscription subscription;
    private Image image;
    private long recordingId;
    private long stopPosition;
    private long sink;

    /**
     * Record the data set, then start the first replay.
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
            }
            recordingId = archive.awaitRecorded(publication);
            stopPosition = publication.position();
            archive.archive().stopRecording(publication);
        }
        subscription = archive.aeron().addSubscription(
            EmbeddedArchive.REPLAY_CHANNEL, EmbeddedArchive.REPLAY_STREAM_ID);
        startReplay();
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
     * Read the next batch of messages, starting a new replay at the end of one.
     *
     * @return a sum of what was read, so nothing is optimised away.
     */
    @Benchmark
    @OperationsPerInvocation(TailData.BATCH)
    public long read()
    {
        int read = 0;
        while (read < TailData.BATCH)
        {
            final int polled = image.poll(this, TailData.BATCH - read);
            if (polled == 0)
            {
                if (image.position() >= stopPosition)
                {
                    startReplay();
                }
                else
                {
                    Thread.yield();
                }
            }
            read += polled;
        }
        return sink;
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        sink += buffer.getLong(offset);
    }

    private void startReplay()
    {
        final long replaySessionId = archive.archive().startReplay(
            recordingId, 0L, stopPosition, EmbeddedArchive.REPLAY_CHANNEL, EmbeddedArchive.REPLAY_STREAM_ID);
        Image next = null;
        while (next == null)
        {
            Thread.yield();
            next = subscription.imageBySessionId((int)replaySessionId);
        }
        image = next;
    }
}
