package io.varve.bench.reader;

import io.varve.bench.Arguments;
import io.varve.bench.BenchSystem;
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

import java.nio.file.Path;

/**
 * One step of the fresh-process replay workload, in its own JVM with one system's flags ({@code --step=}):
 * <ul>
 *     <li>{@code write}: write {@code --records} records of {@code --size} bytes (Varve with CRC32C, fsync NONE;
 *     Chronicle Queue's default builder and {@code writeBytes}), and a small scratch journal or queue beside it,
 *     close both and print {@code WRITTEN}. The page cache keeps the data: nothing drops it.</li>
 *     <li>{@code read}: read the scratch journal once, so that class loading is not counted, then time from
 *     opening the journal (or building the queue) to the last record of a first tailer, and then a second tailer
 *     created from the same reader (or queue) while the first stays open, reading everything again; print
 *     {@code REPLAY FIRST_NANOS=... SECOND_NANOS=... RECORDS=...}. Varve's tailers check every frame's CRC32C;
 *     both read the first 8 bytes of every payload.</li>
 * </ul>
 * Threading: main thread only.
 */
public final class ReplayMain
{
    /** Records of the scratch journal each read step warms up on. */
    static final int SCRATCH_RECORDS = 20_000;
    private static final int POLL_LIMIT = 256;

    private ReplayMain()
    {
    }

    /**
     * Run one step.
     *
     * @param args {@code --step --system --dir --records [--size]}.
     */
    public static void main(final String[] args)
    {
        final Arguments arguments = new Arguments(args);
        final BenchSystem system = BenchSystem.valueOf(arguments.get("system", null));
        final Path directory = Path.of(arguments.get("dir", null));
        final long records = arguments.getLong("records", 1_000_000);
        final int size = (int)arguments.getLong("size", 64);
        switch (arguments.get("step", null))
        {
            case "write":
                write(system, scratch(directory), SCRATCH_RECORDS, size);
                write(system, directory, records, size);
                System.out.println("WRITTEN records=" + records);
                break;
            case "read":
                read(system, scratch(directory), SCRATCH_RECORDS);
                final long[] nanos = read(system, directory, records);
                System.out.println("REPLAY FIRST_NANOS=" + nanos[0] + " SECOND_NANOS=" + nanos[1] +
                    " RECORDS=" + records);
                break;
            default:
                throw new IllegalArgumentException("unknown step: " + arguments.get("step", null));
        }
    }

    /**
     * The scratch journal beside a journal.
     *
     * @param directory of the journal.
     * @return the scratch directory.
     */
    static Path scratch(final Path directory)
    {
        return directory.resolveSibling(directory.getFileName() + "-scratch");
    }

    private static void write(final BenchSystem system, final Path directory, final long records, final int size)
    {
        if (system == BenchSystem.VARVE)
        {
            final UnsafeBuffer payload = Payload.direct(size);
            try (Journal journal = Journal.open(new JournalContext().directory(directory)
                .fsyncPolicy(FsyncPolicy.NONE).frameChecksums(true)))
            {
                final Appender appender = journal.appender();
                for (long i = 0; i < records; i++)
                {
                    appender.append(payload, 0, size);
                }
            }
        }
        else if (system == BenchSystem.CHRONICLE)
        {
            final Bytes<?> payload = Bytes.allocateDirect(Payload.bytes(size));
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
                ExcerptAppender appender = queue.createAppender())
            {
                for (long i = 0; i < records; i++)
                {
                    appender.writeBytes(payload);
                }
            }
            finally
            {
                payload.releaseLast();
            }
        }
        else
        {
            throw new IllegalArgumentException("no replay for " + system);
        }
    }

    private static long[] read(final BenchSystem system, final Path directory, final long records)
    {
        return system == BenchSystem.VARVE ? readVarve(directory, records) : readChronicle(directory, records);
    }

    private static long[] readVarve(final Path directory, final long records)
    {
        final Sink sink = new Sink();
        final long start = System.nanoTime();
        try (JournalReader reader = JournalReader.open(directory);
            Tailer first = reader.tailer(null, true))
        {
            check(directory, records, drain(first, sink));
            final long firstNanos = System.nanoTime() - start;
            final long secondStart = System.nanoTime();
            try (Tailer second = reader.tailer(null, true))
            {
                check(directory, records, drain(second, sink));
            }
            final long secondNanos = System.nanoTime() - secondStart;
            System.out.println("sink=" + sink.sum);
            return new long[]{ firstNanos, secondNanos };
        }
    }

    private static long drain(final Tailer tailer, final Sink sink)
    {
        long read = 0;
        int polled;
        while ((polled = tailer.poll(sink, POLL_LIMIT)) > 0)
        {
            read += polled;
        }
        return read;
    }

    private static long[] readChronicle(final Path directory, final long records)
    {
        final long start = System.nanoTime();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
            ExcerptTailer first = queue.createTailer())
        {
            long sum = 0;
            final long[] read = new long[1];
            sum += drain(first, read);
            check(directory, records, read[0]);
            final long firstNanos = System.nanoTime() - start;
            final long secondStart = System.nanoTime();
            try (ExcerptTailer second = queue.createTailer())
            {
                read[0] = 0;
                sum += drain(second, read);
                check(directory, records, read[0]);
            }
            final long secondNanos = System.nanoTime() - secondStart;
            System.out.println("sink=" + sum);
            return new long[]{ firstNanos, secondNanos };
        }
    }

    private static long drain(final ExcerptTailer tailer, final long[] read)
    {
        long sum = 0;
        while (true)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return sum;
                }
                sum += document.wire().bytes().readLong();
                read[0]++;
            }
        }
    }

    private static void check(final Path directory, final long expected, final long read)
    {
        if (read != expected)
        {
            throw new IllegalStateException("read " + read + " records, expected " + expected + ": dir=" +
                directory);
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
