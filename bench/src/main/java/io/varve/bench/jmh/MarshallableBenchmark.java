package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.RunDirectory;
import io.varve.chronicle.MarshallableAppender;
import io.varve.chronicle.MarshallableHandler;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.Tailer;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.ReadMarshallable;
import net.openhft.chronicle.wire.WriteMarshallable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.concurrent.TimeUnit;

/**
 * The same chronicle-bytes DTO encoded and appended, then read and decoded, through Chronicle Queue
 * ({@code writeDocument(marshallable)} / {@code readDocument(marshallable)}, and {@code writeBytes} /
 * {@code readBytes}) and through Varve's chronicle module ({@code MarshallableAppender},
 * {@code MarshallableHandler}), in one run. Every path encodes the same bytes with the same hand-written
 * {@code writeMarshallable}; run with {@code -prof gc} to see that none allocates once warm. Not part of the suite:
 * run it with {@code java -jar bench/target/benchmarks.jar MarshallableBenchmark -prof gc}.
 * <p>
 * Threading: one JMH thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA, ForkFlags.CHRONICLE_REFLECT, ForkFlags.CHRONICLE_NIO,
    ForkFlags.CHRONICLE_REF, ForkFlags.CHRONICLE_NO_ANALYTICS, ForkFlags.CHRONICLE_NO_ANNOUNCER })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MarshallableBenchmark
{
    /** Records written for the read benchmarks, read round and round. */
    static final int READ_RECORDS = 1 << 20;
    /** Records each read benchmark call reads, as the tail benchmarks do. */
    static final int READ_BATCH = 64;
    /** Bytes of the DTO's encoding: 8 + 8 + 8 + 4 + 1, then a stop-bit length and 16 characters. */
    static final int ENCODED_LENGTH = 46;
    /** Varve's claim bound for the DTO. */
    static final int MAX_ENCODED_LENGTH = 128;
    /** Record type of the DTO in the journal. */
    static final int ORDER_TYPE = 1;

    /**
     * The DTO: primitives and a string, encoded by hand as Chronicle recommends, decoded without allocating.
     */
    public static final class Order implements BytesMarshallable
    {
        final StringBuilder account = new StringBuilder();
        long orderId;
        long instrument;
        double price;
        int quantity;
        boolean buy;

        /**
         * {@inheritDoc}
         */
        public void writeMarshallable(final BytesOut<?> bytes)
        {
            bytes.writeLong(orderId).writeLong(instrument).writeDouble(price).writeInt(quantity).writeBoolean(buy);
            bytes.write8bit(account);
        }

        /**
         * {@inheritDoc}
         */
        public void readMarshallable(final BytesIn<?> bytes)
        {
            orderId = bytes.readLong();
            instrument = bytes.readLong();
            price = bytes.readDouble();
            quantity = bytes.readInt();
            buy = bytes.readBoolean();
            bytes.read8bit(account);
        }

        Order sample()
        {
            instrument = 4_242;
            price = 101.25;
            quantity = 300;
            buy = true;
            account.setLength(0);
            account.append("ACCOUNT-00000042");
            return this;
        }
    }

    /**
     * Varve's writing side: a fresh journal per iteration, memory brought to the run's state first.
     */
    @State(Scope.Thread)
    public static class VarveWriter
    {
        private final RunDirectory runDirectory = new RunDirectory("marshallable-varve", 1L << 30);
        final Order order = new Order().sample();
        Journal journal;
        MarshallableAppender out;
        private long startPosition;

        /**
         * Open a fresh journal.
         *
         * @param iteration which iteration comes.
         */
        @Setup(Level.Iteration)
        public void open(final IterationParams iteration)
        {
            journal = Journal.open(new JournalContext()
                .directory(runDirectory.open(iteration.getType() == IterationType.MEASUREMENT))
                .fsyncPolicy(FsyncPolicy.NONE));
            out = new MarshallableAppender(journal.appender(), MAX_ENCODED_LENGTH);
            startPosition = journal.appender().position();
        }

        /**
         * Close and delete the journal.
         */
        @TearDown(Level.Iteration)
        public void close()
        {
            final long written = journal.appender().position() - startPosition;
            journal.close();
            runDirectory.close(written);
        }
    }

    /**
     * Chronicle Queue's writing side: a fresh queue per iteration, memory brought to the run's state first.
     */
    @State(Scope.Thread)
    public static class ChronicleWriter
    {
        private final RunDirectory runDirectory = new RunDirectory("marshallable-chronicle", 1L << 30);
        final Order order = new Order().sample();
        /** Chronicle's writeDocument takes a wire marshallable: this one writes the DTO's own bytes. */
        final WriteMarshallable documentWriter = (wire) -> order.writeMarshallable(wire.bytes());
        SingleChronicleQueue queue;
        ExcerptAppender appender;
        private long written;

        /**
         * Open a fresh queue.
         *
         * @param iteration which iteration comes.
         */
        @Setup(Level.Iteration)
        public void open(final IterationParams iteration)
        {
            queue = SingleChronicleQueueBuilder.binary(
                runDirectory.open(iteration.getType() == IterationType.MEASUREMENT)).build();
            appender = queue.createAppender();
            written = order.orderId;
        }

        /**
         * Close and delete the queue.
         */
        @TearDown(Level.Iteration)
        public void close()
        {
            appender.close();
            queue.close();
            runDirectory.close(
                (order.orderId - written) * (ENCODED_LENGTH + ChronicleAppendBenchmark.EXCERPT_HEADER_LENGTH));
        }
    }

    /**
     * The reading side of both systems: the same {@link #READ_RECORDS} DTOs written to each, read round and round.
     */
    @State(Scope.Thread)
    public static class Readers
    {
        private final RunDirectory varveDirectory = new RunDirectory("marshallable-varve-read", 0);
        private final RunDirectory chronicleDirectory = new RunDirectory("marshallable-chronicle-read", 0);
        final Order order = new Order();
        final ReadMarshallable documentReader = (wire) -> order.readMarshallable(wire.bytes());
        final MarshallableHandler handler = new MarshallableHandler(order);
        Journal journal;
        Tailer varve;
        Tailer varveUnchecked;
        SingleChronicleQueue queue;
        ExcerptTailer chronicle;

        /**
         * Write the records to both, then open a tailer on each.
         */
        @Setup(Level.Trial)
        public void open()
        {
            final Order written = new Order().sample();
            journal = Journal.open(new JournalContext().directory(varveDirectory.open(false)));
            final MarshallableAppender appender = new MarshallableAppender(journal.appender(), MAX_ENCODED_LENGTH);
            queue = SingleChronicleQueueBuilder.binary(chronicleDirectory.open(false)).build();
            try (ExcerptAppender chronicleAppender = queue.createAppender())
            {
                for (int i = 0; i < READ_RECORDS; i++)
                {
                    written.orderId = i;
                    appender.append(written, ORDER_TYPE);
                    chronicleAppender.writeBytes(written);
                }
            }
            varve = journal.tailer();
            varveUnchecked = journal.reader().tailer(null, false);
            chronicle = queue.createTailer();
        }

        /**
         * Close and delete both.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            varve.close();
            varveUnchecked.close();
            chronicle.close();
            queue.close();
            journal.close();
            varveDirectory.close(0);
            chronicleDirectory.close(0);
        }
    }

    /**
     * Varve: encode the DTO straight into an appender's claim.
     *
     * @param writer the state.
     * @return the record's position.
     */
    @Benchmark
    public long varveEncodeAppend(final VarveWriter writer)
    {
        writer.order.orderId++;
        return writer.out.append(writer.order, ORDER_TYPE);
    }

    /**
     * Chronicle Queue: {@code writeDocument} of a marshallable that writes the DTO's bytes.
     *
     * @param writer the state.
     * @return the DTO's id.
     */
    @Benchmark
    public long chronicleWriteDocument(final ChronicleWriter writer)
    {
        writer.order.orderId++;
        writer.appender.writeDocument(writer.documentWriter);
        return writer.order.orderId;
    }

    /**
     * Chronicle Queue: {@code writeBytes} of the DTO, the bytes-level peer of Varve's path.
     *
     * @param writer the state.
     * @return the DTO's id.
     */
    @Benchmark
    public long chronicleWriteBytes(final ChronicleWriter writer)
    {
        writer.order.orderId++;
        writer.appender.writeBytes(writer.order);
        return writer.order.orderId;
    }

    /**
     * Varve: a tailer hands the next records to the DTO through the reused view, checking each one's CRC32C.
     *
     * @param readers the state.
     * @return the DTO's id.
     */
    @Benchmark
    @OperationsPerInvocation(READ_BATCH)
    public long varveReadDecode(final Readers readers)
    {
        int read = 0;
        while (read < READ_BATCH)
        {
            final int polled = readers.varve.poll(readers.handler, READ_BATCH - read);
            if (polled == 0)
            {
                readers.varve.seekToStart();
            }
            read += polled;
        }
        return readers.order.orderId;
    }

    /**
     * Varve without the CRC32C check of each record, as Chronicle Queue reads (it keeps no checksum).
     *
     * @param readers the state.
     * @return the DTO's id.
     */
    @Benchmark
    @OperationsPerInvocation(READ_BATCH)
    public long varveReadDecodeNoChecksum(final Readers readers)
    {
        int read = 0;
        while (read < READ_BATCH)
        {
            final int polled = readers.varveUnchecked.poll(readers.handler, READ_BATCH - read);
            if (polled == 0)
            {
                readers.varveUnchecked.seekToStart();
            }
            read += polled;
        }
        return readers.order.orderId;
    }

    /**
     * Chronicle Queue: {@code readDocument} of a marshallable that reads the DTO's bytes.
     *
     * @param readers the state.
     * @return the DTO's id.
     */
    @Benchmark
    @OperationsPerInvocation(READ_BATCH)
    public long chronicleReadDocument(final Readers readers)
    {
        int read = 0;
        while (read < READ_BATCH)
        {
            if (readers.chronicle.readDocument(readers.documentReader))
            {
                read++;
            }
            else
            {
                readers.chronicle.toStart();
            }
        }
        return readers.order.orderId;
    }

    /**
     * Chronicle Queue: {@code readBytes} into the DTO.
     *
     * @param readers the state.
     * @return the DTO's id.
     */
    @Benchmark
    @OperationsPerInvocation(READ_BATCH)
    public long chronicleReadBytes(final Readers readers)
    {
        int read = 0;
        while (read < READ_BATCH)
        {
            if (readers.chronicle.readBytes(readers.order))
            {
                read++;
            }
            else
            {
                readers.chronicle.toStart();
            }
        }
        return readers.order.orderId;
    }
}
