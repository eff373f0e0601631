package io.varve.journal;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The main class of child JVMs in tests. Modes:
 * <ul>
 *     <li>{@code hold DIR}: open the journal for writing, print {@code OPEN pid}, wait to be killed;</li>
 *     <li>{@code crash DIR SEED}: append records of random sizes forever, syncing at random, printing
 *     {@code SYNCED position nextSequence} after each sync;</li>
 *     <li>{@code fill DIR}: append until the disk refuses, print {@code FULL records message}, append once more
 *     (must throw again), then exit 0;</li>
 *     <li>{@code open DIR}: open and close; print {@code OPENED} or {@code FAILED message};</li>
 *     <li>{@code backup DIR DEST}: print {@code BACKING UP}, back the journal up, print {@code BACKED UP}.</li>
 * </ul>
 */
public final class ChildWriter
{
    private ChildWriter()
    {
    }

    /** Payload length of a record, derived from its sequence so any reader can check it. */
    public static int payloadLength(final long sequence)
    {
        return 8 + (int)((sequence * 0x9E3779B97F4A7C15L >>> 40) % 700);
    }

    /** Fill a record's payload: the sequence, then bytes derived from it. */
    public static void fill(final UnsafeBuffer buffer, final long sequence)
    {
        buffer.putLong(0, sequence, LITTLE_ENDIAN);
        final int length = payloadLength(sequence);
        for (int i = 8; i < length; i++)
        {
            buffer.putByte(i, (byte)(sequence * 7 + i));
        }
    }

    /** Whether a payload is the one {@link #fill} writes for its sequence. */
    public static boolean matches(final UnsafeBuffer buffer, final int offset, final int length, final long sequence)
    {
        if (length != payloadLength(sequence) || buffer.getLong(offset, LITTLE_ENDIAN) != sequence)
        {
            return false;
        }
        for (int i = 8; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(sequence * 7 + i))
            {
                return false;
            }
        }
        return true;
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[1]);
        switch (args[0])
        {
            case "hold":
                try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
                {
                    System.out.println("OPEN " + ProcessHandle.current().pid() + " " + journal.directory());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                break;

            case "crash":
                crash(dir, Long.parseLong(args[2]));
                break;

            case "fill":
                fill(dir);
                break;

            case "staged":
                staged(dir);
                break;

            case "stream":
                stream(dir, Integer.parseInt(args[2]));
                break;

            case "unsynced":
                unsynced(dir, Integer.parseInt(args[2]));
                break;

            case "backup":
                System.out.println("BACKING UP");
                System.out.flush();
                System.out.println("BACKED UP " + io.varve.journal.backup.JournalBackup.backup(dir, Path.of(args[2])));
                break;

            case "open":
                try (Journal journal = Journal.open(new JournalContext().directory(dir)))
                {
                    System.out.println("OPENED " + journal.directory());
                }
                catch (final RuntimeException ex)
                {
                    System.out.println("FAILED " + ex.getMessage());
                }
                break;

            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    private static void crash(final Path dir, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(256 * 1024)))
        {
            final Appender appender = journal.appender();
            while (true)
            {
                final long sequence = appender.nextSequence();
                fill(payload, sequence);
                appender.append(payload, 0, payloadLength(sequence), (int)(sequence % 5));
                if (random.nextInt(64) == 0)
                {
                    final long durable = appender.sync();
                    System.out.println("SYNCED " + durable + " " + appender.nextSequence());
                    System.out.flush();
                }
            }
        }
    }

    /**
     * Sync once, then append without syncing; say so once the journal spans a number of segments and go on appending
     * until killed.
     */
    private static void unsynced(final Path dir, final int segments)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(256 * 1024)))
        {
            final Appender appender = journal.appender();
            fill(payload, 0);
            appender.append(payload, 0, payloadLength(0));
            System.out.println("SYNCED " + appender.sync() + " " + appender.nextSequence());
            boolean told = false;
            while (true)
            {
                final long sequence = appender.nextSequence();
                fill(payload, sequence);
                appender.append(payload, 0, payloadLength(sequence));
                if (!told && appender.position() > (long)segments * 256 * 1024)
                {
                    System.out.println("WRITTEN " + appender.position() + " " + appender.nextSequence());
                    System.out.flush();
                    told = true;
                }
            }
        }
    }

    /**
     * A positional writer: 300 records written (the first 100 synced), then a batch of 50 staged (a roll in it
     * writes those before it); prints {@code STAGED} and the count of records written, and waits to be killed.
     */
    private static void staged(final Path dir) throws InterruptedException
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .writeMode(WriteMode.POSITIONAL));
        final Appender appender = journal.appender();
        for (int i = 0; i < 300; i++)
        {
            final long sequence = appender.nextSequence();
            fill(payload, sequence);
            appender.append(payload, 0, payloadLength(sequence));
            if (i == 99)
            {
                appender.sync();
            }
        }
        appender.beginBatch();
        for (int i = 0; i < 50; i++)
        {
            final long sequence = appender.nextSequence();
            fill(payload, sequence);
            appender.append(payload, 0, payloadLength(sequence));
        }
        // a roll inside the batch writes what it staged so far: the counter says how many records were written
        System.out.println("STAGED " + journal.metadata().counterValue(JournalCounter.NEXT_SEQUENCE));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * A positional writer appending records in batches of 1 to 64 (each written with one or a few positional writes
     * at its end), then closing; for a tailer in another process.
     */
    private static void stream(final Path dir, final int records)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final SplittableRandom random = new SplittableRandom(records);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .writeMode(WriteMode.POSITIONAL)))
        {
            final Appender appender = journal.appender();
            System.out.println("OPEN");
            System.out.flush();
            while (appender.nextSequence() < records)
            {
                appender.beginBatch();
                final int batch = (int)Math.min(1 + random.nextInt(64), records - appender.nextSequence());
                for (int i = 0; i < batch; i++)
                {
                    final long sequence = appender.nextSequence();
                    fill(payload, sequence);
                    appender.append(payload, 0, payloadLength(sequence));
                }
                appender.endBatch();
            }
        }
        System.out.println("CLOSED");
    }

    private static void fill(final Path dir)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            final Appender appender = journal.appender();
            final long first = appender.nextSequence();
            try
            {
                while (true)
                {
                    final long sequence = appender.nextSequence();
                    fill(payload, sequence);
                    appender.append(payload, 0, payloadLength(sequence));
                }
            }
            catch (final StorageSpaceException ex)
            {
                System.out.println("FULL " + (appender.nextSequence() - first) + " " + ex.getMessage());
            }
            try
            {
                appender.append(payload, 0, 8);
                System.out.println("UNEXPECTED append succeeded");
            }
            catch (final StorageSpaceException ex)
            {
                System.out.println("STILL FULL");
            }
        }
        System.out.println("CLOSED");
    }
}
