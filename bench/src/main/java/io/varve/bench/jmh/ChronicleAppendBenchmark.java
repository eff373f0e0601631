package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
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
 * Chronicle Queue append from one thread, records per second, with its default settings: {@code writeBytes}
 * copies a payload as one excerpt, {@code documentContext} opens a document and writes the payload into it in
 * place. Chronicle Queue has no per-message checksum. Its forks get Chronicle's flags and nothing of Varve's.
 * <p>
 * Threading: one JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.CHRONICLE_REFLECT, ForkFlags.CHRONICLE_NIO,
    ForkFlags.CHRONICLE_REF, ForkFlags.CHRONICLE_NO_ANALYTICS, ForkFlags.CHRONICLE_NO_ANNOUNCER })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChronicleAppendBenchmark
{
    /** Bytes of Chronicle's excerpt header, for sizing the next warming. */
    static final int EXCERPT_HEADER_LENGTH = 4;

    @Param({ "64", "256", "1024", "4096" })
    public int size;

    private final RunDirectory runDirectory = new RunDirectory("chronicle-append", 1L << 30);
    private Bytes<?> payload;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;

    /**
     * Build a fresh queue after bringing memory to the run's state.
     *
     * @param iteration which iteration comes.
     */
    @Setup(Level.Iteration)
    public void openQueue(final IterationParams iteration)
    {
        if (payload == null)
        {
            payload = Bytes.allocateDirect(Payload.bytes(size));
        }
        queue = SingleChronicleQueueBuilder
            .binary(runDirectory.open(iteration.getType() == IterationType.MEASUREMENT))
            .build();
        appender = queue.createAppender();
    }

    /**
     * Close and delete the queue.
     */
    @TearDown(Level.Iteration)
    public void closeQueue()
    {
        final long records = ChronicleQueues.recordsAppended(queue, appender);
        appender.close();
        queue.close();
        runDirectory.close(records * (size + EXCERPT_HEADER_LENGTH));
    }

    /**
     * Release the payload.
     */
    @TearDown(Level.Trial)
    public void releasePayload()
    {
        payload.releaseLast();
    }

    /**
     * Copy a payload into the queue as one excerpt.
     */
    @Benchmark
    public void writeBytes()
    {
        appender.writeBytes(payload);
    }

    /**
     * Open a document, write the payload into it in place, close it.
     */
    @Benchmark
    public void documentContext()
    {
        try (DocumentContext document = appender.writingDocument())
        {
            document.wire().bytes().write(payload, 0L, size);
        }
    }
}
