package io.varve.bench.reader;

import io.varve.bench.Arguments;
import io.varve.bench.BenchSystem;
import io.varve.bench.MemoryState;
import io.varve.bench.Payload;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One process of the live cross-process tail workload ({@code --role=}):
 * <ul>
 *     <li>{@code writer}: opens the journal (Varve, CRC32C, fsync NONE, {@code Appender.append}) or queue (Chronicle
 *     Queue's default builder, {@code writeBytes}), creates the board, prints {@code READY}, waits until the tailer
 *     says it is ready and then appends {@code --records} records of {@code --size} bytes at full speed, publishing
 *     how many it has written on the board every {@link #PUBLISH_EVERY} records; prints
 *     {@code WRITER NANOS=...}.</li>
 *     <li>{@code tailer}: opens a reader and a tailer at the start (Varve with CRC32C checked; Chronicle's
 *     {@code createTailer()} and {@code readingDocument()}), says it is ready and follows the writer until it has
 *     read every record, reading the first 8 bytes of each payload. Every {@link #SAMPLE_INTERVAL_NANOS} ns while
 *     the writer is still writing it samples the lag: records the writer has published minus records it has read.
 *     Prints {@code LIVE DELIVERED_NANOS=...} (from the writer's first append to the tailer's last record) and the
 *     lag's p50, p99 and max, and its median in the first and last quarter of the samples.</li>
 * </ul>
 * The board is a small mapped file beside the journal, so both systems are watched the same way, whatever their
 * own position counters are.
 * <p>
 * Threading: main thread only.
 */
public final class LiveTailMain
{
    /** Records between the writer's updates of its count on the board: the lag's resolution. */
    public static final int PUBLISH_EVERY = 64;
    /** Time between the tailer's lag samples. */
    public static final long SAMPLE_INTERVAL_NANOS = 100_000;

    private static final int WRITTEN_OFFSET = 0;
    private static final int READY_OFFSET = 64;
    private static final int DONE_OFFSET = 128;
    private static final int START_NANOS_OFFSET = 192;
    private static final int BOARD_LENGTH = 4096;
    private static final int MAX_SAMPLES = 1 << 20;
    private static final int POLL_LIMIT = 256;
    private static final long TIMEOUT_NANOS = 300_000_000_000L;
    private static final int QUARTERS = 4;

    private LiveTailMain()
    {
    }

    /**
     * Run one role.
     *
     * @param args {@code --role --system --dir --records [--size]}.
     */
    public static void main(final String[] args)
    {
        final Arguments arguments = new Arguments(args);
        final BenchSystem system = BenchSystem.valueOf(arguments.get("system", null));
        final Path directory = Path.of(arguments.get("dir", null));
        final long records = arguments.getLong("records", 1_000_000);
        final int size = (int)arguments.getLong("size", 64);
        switch (arguments.get("role", null))
        {
            case "writer":
                write(system, directory, records, size, Board.create(board(directory)));
                break;
            case "tailer":
                tail(system, directory, records, Board.open(board(directory)));
                break;
            default:
                throw new IllegalArgumentException("unknown role: " + arguments.get("role", null));
        }
    }

    /**
     * The board file beside a journal.
     *
     * @param directory of the journal.
     * @return the board file.
     */
    static Path board(final Path directory)
    {
        return directory.resolveSibling(directory.getFileName() + ".board");
    }

    private static void write(
        final BenchSystem system, final Path directory, final long records, final int size, final Board board)
    {
        if (system == BenchSystem.VARVE)
        {
            final UnsafeBuffer payload = Payload.direct(size);
            try (Journal journal = Journal.open(new JournalContext().directory(directory)
                .fsyncPolicy(FsyncPolicy.NONE).frameChecksums(true)))
            {
                final Appender appender = journal.appender();
                final long start = awaitTailer(board);
                for (long i = 1; i <= records; i++)
                {
                    appender.append(payload, 0, size);
                    if ((i & (PUBLISH_EVERY - 1)) == 0)
                    {
                        board.putRelease(WRITTEN_OFFSET, i);
                    }
                }
                finish(board, records, start);
            }
        }
        else
        {
            final Bytes<?> payload = Bytes.allocateDirect(Payload.bytes(size));
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
                ExcerptAppender appender = queue.createAppender())
            {
                final long start = awaitTailer(board);
                for (long i = 1; i <= records; i++)
                {
                    appender.writeBytes(payload);
                    if ((i & (PUBLISH_EVERY - 1)) == 0)
                    {
                        board.putRelease(WRITTEN_OFFSET, i);
                    }
                }
                finish(board, records, start);
            }
            finally
            {
                payload.releaseLast();
            }
        }
    }

    private static long awaitTailer(final Board board)
    {
        System.out.println("READY");
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (board.getVolatile(READY_OFFSET) == 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the tailer never said it was ready");
            }
            MemoryState.pause(1);
        }
        final long start = System.nanoTime();
        board.putVolatile(START_NANOS_OFFSET, start);
        return start;
    }

    private static void finish(final Board board, final long records, final long start)
    {
        final long nanos = System.nanoTime() - start;
        board.putVolatile(WRITTEN_OFFSET, records);
        board.putVolatile(DONE_OFFSET, 1);
        System.out.println("WRITER NANOS=" + nanos + " RECORDS=" + records);
    }

    private static void tail(
        final BenchSystem system, final Path directory, final long records, final Board board)
    {
        final long[] lags = new long[MAX_SAMPLES];
        int samples = 0;
        long read = 0;
        final long end;
        if (system == BenchSystem.VARVE)
        {
            final Sink sink = new Sink();
            try (JournalReader reader = JournalReader.open(directory);
                Tailer tailer = reader.tailer(null, true))
            {
                board.putVolatile(READY_OFFSET, 1);
                long nextSample = System.nanoTime();
                final long deadline = nextSample + TIMEOUT_NANOS;
                while (read < records)
                {
                    read += tailer.poll(sink, POLL_LIMIT);
                    final long now = System.nanoTime();
                    if (now - nextSample >= 0)
                    {
                        nextSample = now + SAMPLE_INTERVAL_NANOS;
                        samples = sample(board, read, lags, samples, now, deadline);
                    }
                }
                end = System.nanoTime();
                System.out.println("sink=" + sink.sum);
            }
        }
        else
        {
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
                ExcerptTailer tailer = queue.createTailer())
            {
                board.putVolatile(READY_OFFSET, 1);
                long sum = 0;
                long nextSample = System.nanoTime();
                final long deadline = nextSample + TIMEOUT_NANOS;
                while (read < records)
                {
                    for (int i = 0; i < POLL_LIMIT; i++)
                    {
                        try (DocumentContext document = tailer.readingDocument())
                        {
                            if (!document.isPresent())
                            {
                                break;
                            }
                            sum += document.wire().bytes().readLong();
                            read++;
                        }
                    }
                    final long now = System.nanoTime();
                    if (now - nextSample >= 0)
                    {
                        nextSample = now + SAMPLE_INTERVAL_NANOS;
                        samples = sample(board, read, lags, samples, now, deadline);
                    }
                }
                end = System.nanoTime();
                System.out.println("sink=" + sum);
            }
        }
        if (read != records)
        {
            throw new IllegalStateException("read " + read + " records, expected " + records + ": dir=" + directory);
        }
        final long delivered = end - board.getVolatile(START_NANOS_OFFSET);
        final long[] all = Arrays.copyOf(lags, samples);
        final int quarter = Math.max(1, samples / QUARTERS);
        System.out.println("LIVE DELIVERED_NANOS=" + delivered + " RECORDS=" + records + " SAMPLES=" + samples +
            " P50=" + percentile(all, 50) + " P99=" + percentile(all, 99) + " MAX=" + percentile(all, 100) +
            " FIRST_QUARTER_P50=" + percentile(Arrays.copyOfRange(lags, 0, Math.min(quarter, samples)), 50) +
            " LAST_QUARTER_P50=" + percentile(Arrays.copyOfRange(lags, Math.max(0, samples - quarter), samples), 50));
    }

    private static int sample(
        final Board board, final long read, final long[] lags, final int samples, final long now,
        final long deadline)
    {
        if (now - deadline > 0)
        {
            throw new IllegalStateException("the tailer did not finish in time: read " + read + " records");
        }
        // Only while the writer writes: after it stops, the tailer catching up is no lag.
        if (board.getVolatile(START_NANOS_OFFSET) == 0 || board.getVolatile(DONE_OFFSET) != 0 ||
            samples == lags.length)
        {
            return samples;
        }
        lags[samples] = Math.max(0, board.getAcquire(WRITTEN_OFFSET) - read);
        return samples + 1;
    }

    /**
     * A percentile of samples, nearest rank.
     *
     * @param values     the samples, sorted in place.
     * @param percentile 0 to 100.
     * @return the value, or -1 when there are none.
     */
    static long percentile(final long[] values, final double percentile)
    {
        if (values.length == 0)
        {
            return -1;
        }
        Arrays.sort(values);
        final int rank = (int)Math.ceil(percentile / 100.0 * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }

    /**
     * Delete the board file beside a journal, if any.
     *
     * @param directory of the journal.
     */
    static void deleteBoard(final Path directory)
    {
        try
        {
            Files.deleteIfExists(board(directory));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The shared board: a small file mapped by both processes through plain NIO, since Chronicle Queue's processes
     * run without the flag Agrona's buffers need. Offsets are in bytes, each field on its own cache line.
     */
    private static final class Board
    {
        private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

        private final MappedByteBuffer buffer;

        private Board(final MappedByteBuffer buffer)
        {
            this.buffer = buffer;
        }

        static Board create(final Path file)
        {
            return map(file, StandardOpenOption.CREATE_NEW);
        }

        static Board open(final Path file)
        {
            return map(file, StandardOpenOption.READ);
        }

        private static Board map(final Path file, final StandardOpenOption option)
        {
            try (FileChannel channel = FileChannel.open(file, option, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                return new Board(channel.map(FileChannel.MapMode.READ_WRITE, 0, BOARD_LENGTH));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot map the live board: file=" + file, ex);
            }
        }

        long getVolatile(final int offset)
        {
            return (long)LONGS.getVolatile(buffer, offset);
        }

        long getAcquire(final int offset)
        {
            return (long)LONGS.getAcquire(buffer, offset);
        }

        void putVolatile(final int offset, final long value)
        {
            LONGS.setVolatile(buffer, offset, value);
        }

        void putRelease(final int offset, final long value)
        {
            LONGS.setRelease(buffer, offset, value);
        }
    }

    private static final class Sink implements RecordHandler
    {
        private long sum;

        public void onRecord(
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final long sequence,
            final long timestamp,
            final int type)
        {
            sum += buffer.getLong(offset);
        }
    }
}
