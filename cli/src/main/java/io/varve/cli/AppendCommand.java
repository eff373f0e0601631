package io.varve.cli;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalContext;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.write.Appender;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code varve append}: a load generator. Each record's payload is its sequence number as an 8-byte little-endian
 * long followed by a fixed pattern, so a reader can check every record. Appending to an existing journal
 * continues it. With {@code --keys} the records are keyed ({@code key-<n>}, cycling over the keys) and a share of
 * them are tombstones, for trying {@code varve compact}. SIGTERM or Ctrl-C stops appending and closes the journal
 * cleanly: synced, the durable position recorded, the writer lock released.
 * <p>
 * Threading: one invocation per instance; the shutdown hook only asks the appending thread to stop and waits.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
    description = "Append N records of BYTES each (payload: the sequence as a little-endian long, then a pattern).")
final class AppendCommand implements Callable<Integer>
{
    /** Byte at index i of the payload, for i >= 8. */
    static final int PATTERN_MODULUS = 251;
    /** How long a signalled JVM waits for the journal to close before it exits anyway. */
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    private static final String KEY_PREFIX = "key-";
    /** Records per group commit under {@code --fsync batch}: the appender alone never forces under BATCH. */
    private static final int BATCH_RECORDS = 256;

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR",
        description = "Journal directory: an existing journal, an empty directory, or a new one (created).")
    private String directory;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Records to append.")
    private long count;

    @Option(names = "--size", required = true, paramLabel = "BYTES", converter = ByteSize.class,
        description = "Payload bytes per record: at least 8 (the sequence), at most what one segment holds.")
    private long size;

    @Option(names = "--segment-size", paramLabel = "BYTES",
        description = "Segment length of a new journal, a power of two from 64k to 1g (default 64m).")
    private String segmentSize;

    @Option(names = "--fsync", paramLabel = "POLICY",
        description = "none | periodic:MILLIS | every-record | batch: a sync every " + BATCH_RECORDS +
            " records (default: none).")
    private String fsync;

    private boolean batch;

    @Option(names = "--no-checksums", description = "Write frames without CRC32C (faster, no torn-frame detection).")
    private boolean noChecksums;

    @Option(names = "--keys", paramLabel = "K",
        description = "Keyed records cycling over K keys (key-0 .. key-<K-1>), for trying 'varve compact'.")
    private Long keys;

    @Option(names = "--tombstones", paramLabel = "PERCENT",
        description = "With --keys: this share of records, 0 to 100, are tombstones (default 0).")
    private Integer tombstones;

    private volatile boolean stopRequested;

    public Integer call()
    {
        final String problem = checkArguments();
        if (problem != null)
        {
            parent.err.println("varve append: " + problem);
            return VarveCommand.USAGE_OR_IO;
        }
        final Path path = Path.of(directory);
        final JournalContext context = new JournalContext().directory(path).frameChecksums(!noChecksums);
        final int segmentLength;
        if (segmentSize != null)
        {
            segmentLength = (int)ByteSize.parse(segmentSize);
            context.segmentLength(segmentLength);
        }
        else
        {
            segmentLength = MetadataFile.exists(path) ?
                journalSegmentLength(path) : JournalConfiguration.segmentLength();
        }
        final int maxPayload = SegmentDescriptor.maxPayloadLength(segmentLength);
        final long recordLength = size + keyLength(keys == null ? -1 : keys - 1);
        if (recordLength > maxPayload)
        {
            parent.err.println("varve append: a record must fit in one segment: size=" + size +
                (recordLength > size ? " key=" + (recordLength - size) : "") + " segmentLength=" + segmentLength +
                " maxPayload=" + maxPayload + "; use a smaller --size" +
                (MetadataFile.exists(path) ? " (an existing journal keeps its segment length)" :
                suggestedSegmentSize(recordLength)));
            return VarveCommand.USAGE_OR_IO;
        }
        if (!MetadataFile.exists(path) && !isEmptyOrMissing(path))
        {
            parent.err.println("varve append: not a journal and not empty: directory=" + path.toAbsolutePath() +
                "; name a new or empty directory (nothing was written there)");
            return VarveCommand.USAGE_OR_IO;
        }
        if (recordLength > context.maxRecordLength())
        {
            context.maxRecordLength((int)recordLength); // the size asked for on the command line is the limit wanted
        }
        if (fsync != null)
        {
            context.fsyncPolicy(FsyncPolicy.parse(fsync));
            batch = context.fsyncPolicy().kind() == FsyncPolicy.Kind.BATCH;
        }
        return append(context, (int)size);
    }

    private String checkArguments()
    {
        if (directory.isBlank())
        {
            return "DIR is empty: name a journal directory (use . for the current one)";
        }
        if (size < 8)
        {
            return "--size must be at least 8 (the payload starts with the sequence): size=" + size;
        }
        if (count < 0)
        {
            return "--count must be >= 0: count=" + count;
        }
        if (segmentSize != null)
        {
            final long length;
            try
            {
                length = ByteSize.parse(segmentSize);
            }
            catch (final RuntimeException ex)
            {
                return "--segment-size: " + ex.getMessage();
            }
            if (length < SegmentDescriptor.MIN_SEGMENT_LENGTH || length > SegmentDescriptor.MAX_SEGMENT_LENGTH ||
                Long.bitCount(length) != 1)
            {
                return "--segment-size must be a power of two from 64k to 1g: segment-size=" + segmentSize;
            }
        }
        if (keys != null && keys < 1)
        {
            return "--keys must be at least 1: keys=" + keys;
        }
        if (tombstones != null && (tombstones < 0 || tombstones > 100))
        {
            return "--tombstones must be a percentage from 0 to 100: tombstones=" + tombstones;
        }
        if (tombstones != null && keys == null)
        {
            return "--tombstones needs --keys: only keyed records can be tombstones";
        }
        return null;
    }

    private int append(final JournalContext context, final int length)
    {
        final Thread appending = Thread.currentThread();
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stopRequested = true;
            try
            {
                if (!closed.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                {
                    System.err.println("varve append: the journal did not close within " + CLOSE_TIMEOUT_SECONDS +
                        " s of the signal: directory=" + context.directory() + "; run 'varve verify' on it");
                }
            }
            catch (final InterruptedException ex)
            {
                appending.interrupt();
            }
        }, "varve-append-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final long address = UnsafeApi.allocateMemory(length); // off-heap, not bounded by the direct-memory limit
        try
        {
            final UnsafeBuffer payload = new UnsafeBuffer(address, length);
            fillPattern(payload, length);
            appendAndReport(context, payload, length);
        }
        finally
        {
            UnsafeApi.freeMemory(address);
            closed.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                // shutting down already: the hook is running and has just been released
            }
        }
        return VarveCommand.OK;
    }

    private void appendAndReport(final JournalContext context, final UnsafeBuffer payload, final int length)
    {
        final Path directory = context.directory();
        try (Journal journal = Journal.open(context))
        {
            final Appender appender = journal.appender();
            final long firstSequence = appender.nextSequence();
            final long start = System.nanoTime();
            final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
            final long appended = keys == null ?
                appendPlain(appender, payload, length, firstSequence) :
                appendKeyed(appender, key, payload, length, firstSequence);
            final long elapsed = System.nanoTime() - start;
            final long syncStart = System.nanoTime();
            final long durable = appender.sync();
            final long synced = System.nanoTime() - syncStart;
            final double seconds = elapsed / 1e9;
            if (appended < count)
            {
                parent.err.println("varve append: stopped by a signal after " + appended + " of " + count +
                    " records; closing the journal cleanly: directory=" + directory);
            }
            parent.out.printf("appended %d records of %d bytes to %s in %.3f s%n", appended, length, directory,
                seconds);
            parent.out.printf("%.0f records/s, %.1f MB/s (payload)%n",
                appended / seconds, appended * (double)length / seconds / 1e6);
            parent.out.printf("sequences %d..%d, durable position %d after a final sync of %.1f ms, fsync %s%n",
                firstSequence, firstSequence + appended - 1, durable, synced / 1e6, context.fsyncPolicy());
            parent.out.flush();
        }
    }

    private long appendPlain(final Appender appender, final UnsafeBuffer payload, final int length, final long first)
    {
        long i = 0;
        while (i < count && !stopRequested)
        {
            payload.putLong(0, first + i, ByteOrder.LITTLE_ENDIAN);
            appender.append(payload, 0, length);
            i++;
            syncBatch(appender, i);
        }
        return i;
    }

    private long appendKeyed(
        final Appender appender, final UnsafeBuffer key, final UnsafeBuffer payload, final int length,
        final long first)
    {
        final int percent = tombstones == null ? 0 : tombstones;
        long i = 0;
        while (i < count && !stopRequested)
        {
            final int keyLength = key.putStringWithoutLengthAscii(0, KEY_PREFIX + (i % keys));
            payload.putLong(0, first + i, ByteOrder.LITTLE_ENDIAN);
            // a hash of the index, not a period, picks the tombstones: a period could hit the same key every time
            final boolean tombstone = Math.floorMod(Long.hashCode(i * 0x9E3779B97F4A7C15L), 100) < percent;
            appender.appendKeyed(key, 0, keyLength, payload, 0, tombstone ? 0 : length, 0, 0, tombstone);
            i++;
            syncBatch(appender, i);
        }
        return i;
    }

    /**
     * Under {@code --fsync batch} this command is whoever drives the appender, so it forces once per batch, as a
     * ring's journaling thread does: otherwise BATCH would force nothing until the end, as NONE.
     */
    private void syncBatch(final Appender appender, final long appended)
    {
        if (batch && appended % BATCH_RECORDS == 0)
        {
            appender.sync();
        }
    }

    private static int keyLength(final long largestKey)
    {
        return largestKey < 0 ? 0 : KEY_PREFIX.length() + Long.toString(largestKey).length();
    }

    private static int journalSegmentLength(final Path directory)
    {
        try (MetadataFile metadata = MetadataFile.open(directory, true))
        {
            return metadata.segmentLength();
        }
    }

    private static String suggestedSegmentSize(final long size)
    {
        long length = SegmentDescriptor.MIN_SEGMENT_LENGTH;
        while (length < SegmentDescriptor.MAX_SEGMENT_LENGTH &&
            SegmentDescriptor.maxPayloadLength((int)length) < size)
        {
            length <<= 1;
        }
        return SegmentDescriptor.maxPayloadLength((int)length) < size ?
            " (segments are at most 1g, so a record is at most " +
            SegmentDescriptor.maxPayloadLength(SegmentDescriptor.MAX_SEGMENT_LENGTH) + " bytes)" :
            " or --segment-size " + ByteSize.format(length);
    }

    private static boolean isEmptyOrMissing(final Path directory)
    {
        if (!Files.exists(directory))
        {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return true; // not a listable directory: opening it reports why
        }
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
