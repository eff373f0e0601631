package io.varve.journal.write;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.WriteMode;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link WriteMode#POSITIONAL} on real files: no segment is ever mapped writable, records are staged and published
 * through the writer position counter only once written, tailers never read past that counter, claims live in the
 * stage across batches, the mode may change between sessions under a running tailer, and a full disk is a
 * {@link StorageSpaceException} after which the staged records are written once there is space again.
 */
class PositionalWriteTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 16]);

    private JournalContext context(final WriteMode mode)
    {
        return new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).writeMode(mode);
    }

    private static void fill(final UnsafeBuffer buffer, final int length, final long sequence)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(sequence * 31 + i));
        }
    }

    private static int length(final long sequence)
    {
        return (int)(sequence * 37 % 3000);
    }

    private long append(final Appender appender)
    {
        final long sequence = appender.nextSequence();
        fill(payload, length(sequence), sequence);
        appender.append(payload, 0, length(sequence));
        return sequence;
    }

    /** Reads and checks every record a poll gives; counts them. */
    private static final class Collector
    {
        private final List<Long> sequences = new ArrayList<>();

        int poll(final Tailer tailer)
        {
            int total = 0;
            int delivered;
            while ((delivered = tailer.poll(this::onRecord, 1000)) > 0)
            {
                total += delivered;
            }
            return total;
        }

        void onRecord(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final long timestamp,
            final int type)
        {
            assertEquals(sequences.size(), sequence, "in order, none missing");
            assertEquals(length(sequence), length, "length of record " + sequence);
            for (int i = 0; i < length; i++)
            {
                assertEquals((byte)(sequence * 31 + i), buffer.getByte(offset + i), "byte " + i + " of " + sequence);
            }
            sequences.add(sequence);
        }
    }

    @Test
    void shouldNeverMapASegmentWritableAndCreateSegmentsSparse() throws Exception
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL)))
        {
            final Appender appender = journal.appender();
            assertEquals(WriteMode.POSITIONAL, appender.writeMode());
            for (int i = 0; i < 200; i++)
            {
                append(appender);
            }
            appender.sync();
            final Collector collector = new Collector();
            try (Tailer tailer = journal.tailer())
            {
                assertEquals(200, collector.poll(tailer));
            }
            assertTrue(appender.position() > 3L * SEGMENT_LENGTH, "rolled several times");
            final List<String> writableSegments = new ArrayList<>();
            for (final String line : Files.readAllLines(Path.of("/proc/self/maps")))
            {
                if (line.contains(dir.toString()) && line.endsWith(".seg") && line.split("\\s+")[1].startsWith("rw"))
                {
                    writableSegments.add(line);
                }
            }
            assertEquals(List.of(), writableSegments, "no segment mapped writable");

            // the segment prepared ahead holds no blocks beyond its last byte's
            final Path ahead = dir.resolve(io.varve.journal.format.JournalDirectoryLayout.segmentFileName(
                (appender.position() / SEGMENT_LENGTH + 1) * SEGMENT_LENGTH));
            awaitFile(ahead);
            assertEquals(SEGMENT_LENGTH, Files.size(ahead));
            assertTrue(allocatedBytes(ahead) < SEGMENT_LENGTH / 2, "sparse: " + allocatedBytes(ahead));
        }
    }

    @Test
    void shouldPublishABatchOnlyOnceItIsWritten()
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL));
            Tailer tailer = journal.tailer())
        {
            final Appender appender = journal.appender();
            final AtomicCounter writerPosition = journal.metadata().counter(JournalCounter.WRITER_POSITION);
            final Collector collector = new Collector();

            append(appender);
            assertEquals(1, collector.poll(tailer), "a direct append is written before it returns");
            assertEquals(appender.position(), writerPosition.get());

            final long before = appender.position();
            appender.beginBatch();
            for (int i = 0; i < 10; i++)
            {
                append(appender);
            }
            assertEquals(before, writerPosition.get(), "staged, not published");
            assertEquals(0, collector.poll(tailer), "staged records are invisible");
            appender.endBatch();
            assertEquals(appender.position(), writerPosition.get());
            assertEquals(10, collector.poll(tailer));

            // a batch larger than the stage is written as the stage fills, and wholly at its end
            appender.beginBatch();
            for (int i = 0; i < 300; i++)
            {
                append(appender);
            }
            assertTrue(writerPosition.get() > before, "a full stage was written");
            assertTrue(writerPosition.get() < appender.position(), "the rest waits for the batch end");
            appender.endBatch();
            assertEquals(300, collector.poll(tailer));
            assertEquals(311, appender.nextSequence());
        }
    }

    @Test
    void shouldWriteAStagedFrameThatEndsExactlyAtTheSegmentsEndBeforeItRolls()
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL)); Tailer tailer = journal.tailer())
        {
            final Appender appender = journal.appender();
            final Collector collector = new Collector();
            append(appender);
            appender.beginBatch();
            // fill the segment to its last byte: the roll then writes no padding, but must still write this frame
            final int room = SEGMENT_LENGTH - (int)(appender.position() % SEGMENT_LENGTH);
            final long sequence = appender.nextSequence();
            final int length = room - io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
            fill(payload, length, sequence);
            appender.append(payload, 0, length);
            assertEquals(0, appender.position() % SEGMENT_LENGTH, "the frame ends at the segment's end");
            append(appender);
            appender.endBatch();
            assertEquals(3, poll(tailer, collector, sequence, length));
        }
    }

    /** Poll everything; the record of {@code odd} carries {@code oddLength} bytes. */
    private static int poll(final Tailer tailer, final Collector collector, final long odd, final int oddLength)
    {
        int total = 0;
        int delivered;
        while ((delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
        {
            if (sequence == odd)
            {
                assertEquals(oddLength, length);
                for (int i = 0; i < length; i++)
                {
                    assertEquals((byte)(sequence * 31 + i), buffer.getByte(offset + i));
                }
                collector.sequences.add(sequence);
            }
            else
            {
                collector.onRecord(buffer, offset, length, sequence, timestamp, type);
            }
        }, 1000)) > 0)
        {
            total += delivered;
        }
        return total;
    }

    @Test
    void shouldPollAtTheLiveEdgeWithoutAllocating()
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL)); Tailer tailer = journal.tailer())
        {
            final Appender appender = journal.appender();
            append(appender);
            appender.sync();
            final Collector collector = new Collector();
            assertEquals(1, collector.poll(tailer));
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
            final long thread = Thread.currentThread().getId();
            final io.varve.journal.read.RecordHandler handler = collector::onRecord;
            for (int i = 0; i < 100_000; i++)
            {
                tailer.poll(handler, 10);
            }
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 1_000_000; i++)
            {
                tailer.poll(handler, 10);
            }
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // each empty poll stops at the counter and reads the durable slots: a million of them allocate nothing
            assertTrue(allocated < 64 * 1024, "a million empty polls allocated " + allocated + " bytes");
        }
    }

    @Test
    void shouldHoldDirectAppendsUpToTheMaxStagingDelay() throws Exception
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL).exactTimestamps(true)
            .maxStagingDelay(Duration.ofMillis(200)));
            Tailer tailer = journal.tailer())
        {
            final Appender appender = journal.appender();
            final Collector collector = new Collector();
            append(appender);
            append(appender);
            assertEquals(0, collector.poll(tailer), "younger than the delay: still staged");
            appender.flush();
            assertEquals(2, collector.poll(tailer));

            append(appender);
            TimeUnit.MILLISECONDS.sleep(300);
            assertEquals(0, collector.poll(tailer), "nothing writes an idle appender's stage");
            append(appender);
            assertEquals(2, collector.poll(tailer), "the append after the delay wrote both");
        }
    }

    @Test
    void shouldReadOnlyBelowThePositionCounterInPositionalModeAndTrustLengthsInMappedMode()
    {
        for (final WriteMode mode : WriteMode.values())
        {
            try (Journal journal = Journal.open(new JournalContext().directory(dir.resolve(mode.name()))
                .segmentLength(SEGMENT_LENGTH).writeMode(mode));
                JournalReader reader = JournalReader.open(dir.resolve(mode.name()));
                Tailer tailer = reader.tailer())
            {
                final Appender appender = journal.appender();
                long fifth = 0;
                for (int i = 0; i < 10; i++)
                {
                    append(appender);
                    if (i == 4)
                    {
                        fifth = appender.position();
                    }
                }
                final long end = appender.position();
                // As a writer killed between its write and its counter store leaves it: the bytes are in the file.
                final AtomicCounter writerPosition = reader.metadata().counter(JournalCounter.WRITER_POSITION);
                writerPosition.setRelease(fifth);
                final Collector collector = new Collector();
                if (mode == WriteMode.POSITIONAL)
                {
                    assertEquals(5, collector.poll(tailer), "only below the counter");
                    writerPosition.setRelease(end);
                    assertEquals(5, collector.poll(tailer));
                }
                else
                {
                    assertEquals(10, collector.poll(tailer), "mapped frames are published by their lengths");
                    writerPosition.setRelease(end);
                }
            }
        }
    }

    @Test
    void shouldKeepAClaimInTheStageAcrossBatches()
    {
        try (Journal journal = Journal.open(context(WriteMode.POSITIONAL).stagingBufferLength(1024)
            .maxRecordLength(20_000));
            Tailer tailer = journal.tailer())
        {
            final Appender appender = journal.appender();
            final Collector collector = new Collector();
            appender.beginBatch();
            append(appender);
            RecordClaim claim = appender.claim(10_000, 0);
            appender.endBatch();
            assertEquals(1, collector.poll(tailer), "the record before the open claim is written");

            fill(payload, length(1), 1);
            claim.buffer().putBytes(0, payload, 0, length(1));
            appender.beginBatch();
            claim.commit(length(1));
            assertEquals(0, collector.poll(tailer));
            appender.endBatch();
            assertEquals(1, collector.poll(tailer), "the claim, cut to its length");

            claim = appender.claim(5000, 0);
            claim.buffer().setMemory(0, 5000, (byte)0x7F);
            claim.abort();
            for (int i = 0; i < 100; i++)
            {
                final long sequence = appender.nextSequence();
                claim = appender.claim(length(sequence), 0);
                fill(payload, length(sequence), sequence);
                claim.buffer().putBytes(0, payload, 0, length(sequence));
                claim.commit();
            }
            assertEquals(100, collector.poll(tailer), "claims, direct: each written at its commit");
        }
        try (Journal journal = Journal.open(context(WriteMode.MAPPED)); Tailer tailer = journal.tailer())
        {
            assertEquals(102, new Collector().poll(tailer), "every frame valid for a reopening writer too");
        }
    }

    @Test
    void shouldFollowTheModeChangingBetweenSessionsUnderARunningTailer()
    {
        Journal.open(context(WriteMode.MAPPED)).close();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final Collector collector = new Collector();
            int expected = 0;
            for (final WriteMode mode : new WriteMode[]{ WriteMode.MAPPED, WriteMode.POSITIONAL, WriteMode.MAPPED,
                WriteMode.POSITIONAL })
            {
                try (Journal journal = Journal.open(context(mode)))
                {
                    assertEquals(mode == WriteMode.POSITIONAL, reader.metadata().writerIsPositional());
                    final Appender appender = journal.appender();
                    for (int i = 0; i < 60; i++)
                    {
                        append(appender);
                        if (i % 20 == 0)
                        {
                            expected += collector.poll(tailer);
                        }
                    }
                }
                expected += collector.poll(tailer);
                assertEquals(collector.sequences.size(), expected);
            }
            assertEquals(240, collector.sequences.size(), "every record of every session, in order");
        }
    }

    @Test
    void shouldThrowStorageSpaceExceptionOnAFullDiskAndWriteTheStagedRecordsOnceThereIsSpace() throws Exception
    {
        final Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()) == 0,
            "needs root to mount a small tmpfs");
        try
        {
            final Path journalDir = mount.resolve("journal");
            final JournalContext context = new JournalContext().directory(journalDir).segmentLength(SEGMENT_LENGTH)
                .writeMode(WriteMode.POSITIONAL).prepareAhead(false);
            try (Journal journal = Journal.open(context))
            {
                final Appender appender = journal.appender();
                StorageSpaceException full = null;
                int returned = 0;
                while (full == null && returned < 10_000)
                {
                    try
                    {
                        append(appender);
                        returned++;
                    }
                    catch (final StorageSpaceException ex)
                    {
                        full = ex;
                    }
                }
                assertTrue(full != null, "the disk filled: appended=" + returned);
                // the sparse segment's hole refused by the positional write, not an allocation
                assertTrue(full.getMessage().startsWith("cannot write " + journalDir), full.getMessage());
                assertTrue(full.getMessage().contains(".seg: position="), full.getMessage());
                assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
                assertFalse(journal.hasFailed(), "a full disk does not fail the journal");
                assertEquals(returned, appender.nextSequence(), "the refused append did not happen");

                // a batch stays staged when its write is refused, and is written once there is space
                appender.beginBatch();
                for (int i = 0; i < 3; i++)
                {
                    append(appender);
                }
                assertThrows(StorageSpaceException.class, appender::endBatch, "still full");
                assertThrows(StorageSpaceException.class, appender::flush, "still full");
                assertEquals(returned + 3, appender.nextSequence());

                assertEquals(0, run("mount", "-o", "remount,size=4m", mount.toString()));
                appender.flush();
                append(appender);
                appender.sync();
                try (Tailer tailer = journal.tailer())
                {
                    assertEquals(returned + 4, new Collector().poll(tailer),
                        "every record, the staged ones included, once there was space");
                }
            }
            try (Journal journal = Journal.open(new JournalContext().directory(journalDir)))
            {
                assertEquals(0, journal.recoveryReport().droppedRecords(), journal.recoveryReport().toString());
            }
        }
        finally
        {
            run("umount", mount.toString());
        }
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    private static long allocatedBytes(final Path file) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        final String[] out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
            .trim().split(" ");
        process.waitFor();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private static void awaitFile(final Path file) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
