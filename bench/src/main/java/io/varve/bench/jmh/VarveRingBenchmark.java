package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import io.varve.journal.format.JournalCounter;
import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * The ring pipeline: producer threads publish into the Disruptor ring and the journaling thread appends every record
 * to the journal. {@code pipeline1} is one producer on a single-producer ring, {@code pipeline2} two producers on a
 * multi-producer ring, fsync NONE: records per second through the whole pipeline, to compare with direct append.
 * {@code durable1} and {@code durable2} publish a batch of {@code batch} records and wait until the last is
 * acknowledged as forced (FsyncPolicy.BATCH, group commit on the ring's force thread): one operation is one batch,
 * so records per second are the score times {@code batch}: a closed loop, bound by the force's latency.
 * {@code durableStream1} and {@code durableStream2} stream instead, waiting only when more than {@code window}
 * records are unforced: the durable throughput, each record still acknowledged after its force. The ring and its
 * journal live for the whole fork: building a ring allocates its slot objects, and JMH's {@code -prof gc} counts
 * what a per-iteration setup allocates against the iteration's operations, which would hide whether publishing
 * allocates. Memory is brought warm before every iteration, sized from what the last one wrote, as for the other
 * benchmarks; closing drains the ring.
 * <p>
 * Threading: one or two JMH threads per group, sharing the group's ring.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VarveRingBenchmark
{
    @Param({ "64" })
    public int size;

    @Param({ "4096" })
    public int batch;

    @Param({ "65536" })
    public int window;

    /** How the writer puts frames into segment files: mapped stores, or positional writes to the file. */
    @Param({ "MAPPED", "POSITIONAL" })
    public WriteMode writeMode;

    private final RunDirectory runDirectory = new RunDirectory("varve-ring", 2L << 30);
    private JournalRing ring;
    private long startPosition;
    private long iterationStartPosition;

    /**
     * Start a ring over a fresh journal, after bringing memory to the run's state.
     *
     * @param benchmark which benchmark runs.
     */
    @Setup(Level.Trial)
    public void start(final BenchmarkParams benchmark)
    {
        final boolean durable = benchmark.getBenchmark().contains("durable");
        ring = JournalRing.start(new RingContext()
            .journalContext(new JournalContext()
                .directory(runDirectory.open(true))
                .fsyncPolicy(durable ? FsyncPolicy.BATCH : FsyncPolicy.NONE)
                .writeMode(writeMode))
            .multiProducer(benchmark.getThreads() > 1)
            .slotCapacity(Math.max(64, size)));
        startPosition = ring.journal().appender().position();
        iterationStartPosition = startPosition;
    }

    /**
     * Bring memory warm again before each iteration.
     *
     * @param iteration which iteration comes.
     */
    @Setup(Level.Iteration)
    public void warm(final IterationParams iteration)
    {
        // Published by the journaling thread; it may still be draining the last iteration, the estimate needs no more.
        final long position = ring.journal().metadata().counterValue(JournalCounter.WRITER_POSITION);
        runDirectory.warmAgain(iteration.getType() == IterationType.MEASUREMENT, position - iterationStartPosition);
        iterationStartPosition = position;
    }

    /**
     * Drain and close the ring, then delete the journal.
     */
    @TearDown(Level.Trial)
    public void stop()
    {
        ring.close();
        runDirectory.close(ring.journal().appender().position() - startPosition);
    }

    /**
     * What each producer thread keeps: its payload.
     */
    @State(Scope.Thread)
    public static class Producer
    {
        final UnsafeBuffer payload = Payload.direct(Payload.MAX_LENGTH);
        /** The durable ticket as this producer last read it: the force thread writes that counter's line. */
        long durableSeen = -1;
    }

    /**
     * One producer, single-producer ring.
     *
     * @param producer its payload.
     * @return the ticket.
     */
    @Benchmark
    @Group("pipeline1")
    @GroupThreads(1)
    public long pipeline1(final Producer producer)
    {
        return ring.publish(producer.payload, 0, size, 0);
    }

    /**
     * Two producers, multi-producer ring.
     *
     * @param producer its payload.
     * @return the ticket.
     */
    @Benchmark
    @Group("pipeline2")
    @GroupThreads(2)
    public long pipeline2(final Producer producer)
    {
        return ring.publish(producer.payload, 0, size, 0);
    }

    /**
     * One producer: a batch of records, acknowledged after the force that covers the last.
     *
     * @param producer its payload.
     * @return the last ticket.
     */
    @Benchmark
    @Group("durable1")
    @GroupThreads(1)
    public long durable1(final Producer producer)
    {
        return publishBatchAndAwait(producer);
    }

    /**
     * Two producers, each publishing batches and waiting for them to be forced.
     *
     * @param producer its payload.
     * @return the last ticket.
     */
    @Benchmark
    @Group("durable2")
    @GroupThreads(2)
    public long durable2(final Producer producer)
    {
        return publishBatchAndAwait(producer);
    }

    /**
     * One producer streaming: it publishes without pause and waits only when more than {@code window} of its
     * records are not yet forced, as a publisher runs at most a term window ahead of Aeron's recorder. Every record
     * is still acknowledged only after the force that covers it; the score is records per second.
     *
     * @param producer its payload.
     * @return the ticket.
     */
    @Benchmark
    @Group("durableStream1")
    @GroupThreads(1)
    public long durableStream1(final Producer producer)
    {
        return publishWithinWindow(producer);
    }

    /**
     * Two producers streaming, each waiting only when the ring is more than {@code window} records ahead of the
     * force.
     *
     * @param producer its payload.
     * @return the ticket.
     */
    @Benchmark
    @Group("durableStream2")
    @GroupThreads(2)
    public long durableStream2(final Producer producer)
    {
        return publishWithinWindow(producer);
    }

    private long publishWithinWindow(final Producer producer)
    {
        final long ticket = ring.publish(producer.payload, 0, size, 0);
        if (ticket - producer.durableSeen > window)
        {
            ring.awaitDurable(ticket - window, 60, TimeUnit.SECONDS);
            producer.durableSeen = ring.durableTicket();
        }
        return ticket;
    }

    private long publishBatchAndAwait(final Producer producer)
    {
        long ticket = -1;
        for (int i = 0; i < batch; i++)
        {
            ticket = ring.publish(producer.payload, 0, size, 0);
        }
        ring.awaitDurable(ticket, 60, TimeUnit.SECONDS);
        return ticket;
    }
}
