package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
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
 * Chronicle Queue tail read, records per second: a tailer reads a queue written once and warm in the page cache,
 * from start to end and round again, each excerpt through a reading document (Chronicle's zero-copy read), reading
 * the first 8 bytes of each payload. Chronicle Queue has no checksum to check.
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
public class ChronicleTailBenchmark
{
    @Param({ "64", "256", "1024", "4096" })
    public int size;

    private final RunDirectory runDirectory = new RunDirectory("chronicle-tail", TailData.bytes());
    private SingleChronicleQueue queue;
    private ExcerptTailer tailer;
    private long sink;

    /**
     * Write the data set, then open a tailer at its start.
     */
    @Setup(Level.Trial)
    public void writeQueue()
    {
        queue = SingleChronicleQueueBuilder.binary(runDirectory.open(false)).build();
        final Bytes<?> payload = Bytes.allocateDirect(Payload.bytes(size));
        try (ExcerptAppender appender = queue.createAppender())
        {
            final long records = TailData.bytes() / (size + ChronicleAppendBenchmark.EXCERPT_HEADER_LENGTH);
            for (long i = 0; i < records; i++)
            {
                appender.writeBytes(payload);
            }
        }
        finally
        {
            payload.releaseLast();
        }
        tailer = queue.createTailer();
    }

    /**
     * Close the tailer and delete the queue.
     */
    @TearDown(Level.Trial)
    public void deleteQueue()
    {
        tailer.close();
        queue.close();
        runDirectory.close(TailData.bytes());
    }

    /**
     * Read the next batch of excerpts, going back to the start at the end.
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
            final boolean present;
            try (DocumentContext document = tailer.readingDocument())
            {
                present = document.isPresent();
                if (present)
                {
                    sink += document.wire().bytes().readLong();
                    read++;
                }
            }
            if (!present)
            {
                tailer.toStart();
            }
        }
        return sink;
    }
}
