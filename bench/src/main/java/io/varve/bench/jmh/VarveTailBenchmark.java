package io.varve.bench.jmh;

import io.varve.bench.ForkFlags;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Varve tail read, records per second: a tailer reads a journal written once (with checksums) and warm in the
 * page cache, from start to end and round again, reading the first 8 bytes of each payload. With
 * {@code verifyChecksums} the tailer checks each frame's CRC32C; without, only its structure.
 * <p>
 * Threading: one JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VarveTailBenchmark implements RecordHandler
{
    @Param({ "64", "256", "1024", "4096" })
    public int size;

    @Param({ "true", "false" })
    public boolean verifyChecksums;

    private final RunDirectory runDirectory = new RunDirectory("varve-tail", TailData.bytes());
    private JournalReader reader;
    private Tailer tailer;
    private long sink;

    /**
     * Write the data set, then open a tailer at its start.
     */
    @Setup(Level.Trial)
    public void writeJournal()
    {
        final Path directory = runDirectory.open(false);
        final UnsafeBuffer payload = Payload.direct(size);
        try (Journal journal = Journal.open(new JournalContext().directory(directory).fsyncPolicy(FsyncPolicy.NONE)))
        {
            final Appender appender = journal.appender();
            final long end = appender.position() + TailData.bytes();
            while (appender.position() < end)
            {
                appender.append(payload, 0, size);
            }
        }
        reader = JournalReader.open(directory);
        tailer = reader.tailer(null, verifyChecksums);
    }

    /**
     * Close the tailer and delete the journal.
     */
    @TearDown(Level.Trial)
    public void deleteJournal()
    {
        tailer.close();
        reader.close();
        runDirectory.close(TailData.bytes());
    }

    /**
     * Read the next batch of records, going back to the start at the end.
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
            final int polled = tailer.poll(this, TailData.BATCH - read);
            if (polled == 0)
            {
                tailer.seekToStart();
            }
            read += polled;
        }
        return sink;
    }

    /**
     * {@inheritDoc}
     */
    public void onRecord(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long sequence,
        final long timestamp,
        final int type)
    {
        sink += buffer.getLong(offset);
    }
}
