package io.varve.cli;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code varve append}: a load generator. Each record's payload is its sequence number as an 8-byte little-endian
 * long followed by a fixed pattern, so a reader can check every record. Appending to an existing journal
 * continues it.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
    description = "Append N records of BYTES each (payload: the sequence as a little-endian long, then a pattern).")
final class AppendCommand implements Callable<Integer>
{
    /** Byte at index i of the payload, for i >= 8. */
    static final int PATTERN_MODULUS = 251;

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory (created if missing).")
    private Path directory;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Records to append.")
    private long count;

    @Option(names = "--size", required = true, paramLabel = "BYTES", converter = ByteSize.class,
        description = "Payload bytes per record, at least 8.")
    private long size;

    @Option(names = "--segment-size", paramLabel = "BYTES", converter = ByteSize.class,
        description = "Segment length of a new journal, a power of two (default 64m).")
    private Long segmentSize;

    @Option(names = "--fsync", paramLabel = "POLICY",
        description = "none | periodic:MILLIS | every-record | batch (default: none).")
    private String fsync;

    @Option(names = "--no-checksums", description = "Write frames without CRC32C (faster, no torn-frame detection).")
    private boolean noChecksums;

    public Integer call()
    {
        if (size < 8 || size > Integer.MAX_VALUE)
        {
            parent.err.println("varve append: --size must be at least 8: size=" + size);
            return VarveCommand.USAGE_OR_IO;
        }
        if (count < 0)
        {
            parent.err.println("varve append: --count must be >= 0: count=" + count);
            return VarveCommand.USAGE_OR_IO;
        }
        final JournalContext context = new JournalContext().directory(directory).frameChecksums(!noChecksums);
        if (segmentSize != null)
        {
            context.segmentLength((int)Math.min(segmentSize, Integer.MAX_VALUE));
        }
        if (fsync != null)
        {
            context.fsyncPolicy(FsyncPolicy.parse(fsync));
        }
        final int length = (int)size;
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        fillPattern(payload, length);
        try (Journal journal = Journal.open(context))
        {
            final Appender appender = journal.appender();
            final long firstSequence = appender.nextSequence();
            final long start = System.nanoTime();
            for (long i = 0; i < count; i++)
            {
                payload.putLong(0, firstSequence + i, ByteOrder.LITTLE_ENDIAN);
                appender.append(payload, 0, length);
            }
            final long appended = System.nanoTime() - start;
            final long syncStart = System.nanoTime();
            final long durable = appender.sync();
            final long synced = System.nanoTime() - syncStart;
            final double seconds = appended / 1e9;
            parent.out.printf("appended %d records of %d bytes to %s in %.3f s%n", count, length, directory, seconds);
            parent.out.printf("%.0f records/s, %.1f MB/s (payload)%n",
                count / seconds, count * (double)length / seconds / 1e6);
            parent.out.printf("sequences %d..%d, durable position %d after a final sync of %.1f ms, fsync %s%n",
                firstSequence, firstSequence + count - 1, durable, synced / 1e6, context.fsyncPolicy());
        }
        return VarveCommand.OK;
    }

    /**
     * Fill bytes 8.. of a payload with the pattern; the first 8 hold the sequence.
     *
     * @param payload to fill.
     * @param length  of the payload.
     */
    static void fillPattern(final UnsafeBuffer payload, final int length)
    {
        for (int i = 8; i < length; i++)
        {
            payload.putByte(i, (byte)(i % PATTERN_MODULUS));
        }
    }
}
