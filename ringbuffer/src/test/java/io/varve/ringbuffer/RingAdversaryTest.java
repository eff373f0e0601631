package io.varve.ringbuffer;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalContext;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.format.FrameWalker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-slot records at the edges: lengths around slot multiples, the largest record, one byte over it, and a
 * large record published while small producers keep the ring full.
 */
class RingAdversaryTest
{
    private static final int SEGMENT_LENGTH = 1 << 20;
    private static final int SLOT = 64;
    private static final int RING = 16;

    @TempDir
    Path dir;

    private RingContext context()
    {
        return new RingContext().journalContext(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .fsyncPolicy(FsyncPolicy.BATCH)).ringSize(RING).slotCapacity(SLOT).multiProducer(true);
    }

    private static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i);
        }
        return bytes;
    }

    private void deleteJournal()
    {
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.delete(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private List<byte[]> journalRecords()
    {
        final List<byte[]> records = new ArrayList<>();
        FrameWalker.walk(dir, SEGMENT_LENGTH, (buffer, offset, length, sequence, timestamp, type, position) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            records.add(bytes);
        });
        return records;
    }

    @Test
    void shouldJournalEveryLengthAroundSlotMultiplesWhole()
    {
        final int[] lengths = {0, 1, SLOT - 1, SLOT, SLOT + 1, 2 * SLOT - 1, 2 * SLOT, 2 * SLOT + 1,
            RING * SLOT - 1, RING * SLOT};
        try (JournalRing ring = JournalRing.start(context()))
        {
            assertEquals(RING * SLOT, ring.maxRecordLength());
            for (int i = 0; i < lengths.length; i++)
            {
                ring.publish(new UnsafeBuffer(pattern(lengths[i], i)), 0, lengths[i], 0);
            }
            final byte[] over = new byte[ring.maxRecordLength() + 1];
            assertThrows(RecordTooLargeException.class, () -> ring.publish(new UnsafeBuffer(over), 0, over.length, 0));
            assertThrows(RecordTooLargeException.class,
                () -> ring.tryPublish(new UnsafeBuffer(over), 0, over.length, 0));
        }
        final List<byte[]> records = journalRecords();
        assertEquals(lengths.length, records.size());
        for (int i = 0; i < lengths.length; i++)
        {
            assertArrayEquals(pattern(lengths[i], i), records.get(i), "record " + i);
        }
    }

    @Test
    void shouldPublishAWholeRingRecordWhileSmallProducersKeepTheRingFull()
    {
        for (final WaitPolicy wait : WaitPolicy.values())
        {
            publishLargeAmongSmall(wait);
        }
    }

    private void publishLargeAmongSmall(final WaitPolicy wait)
    {
        final int large = 20;
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> producers = new ArrayList<>();
        deleteJournal();
        try (JournalRing ring = JournalRing.start(context().producerWait(wait)))
        {
            for (int p = 0; p < 4; p++)
            {
                final Thread producer = new Thread(() ->
                {
                    final UnsafeBuffer small = new UnsafeBuffer(new byte[8]);
                    while (!stop.get())
                    {
                        ring.publish(small, 0, 8, 1);
                    }
                });
                producer.start();
                producers.add(producer);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
            {
                for (int i = 0; i < large; i++)
                {
                    ring.publish(new UnsafeBuffer(pattern(RING * SLOT, i)), 0, RING * SLOT, 2);
                }
            }, "a whole-ring record starved by small producers, producer wait " + wait);
            stop.set(true);
            for (final Thread producer : producers)
            {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> producer.join());
            }
        }
        int seen = 0;
        for (final byte[] record : journalRecords())
        {
            if (record.length != 8)
            {
                assertArrayEquals(pattern(RING * SLOT, seen), record, "large record " + seen);
                seen++;
            }
        }
        assertEquals(large, seen);
    }

    @Test
    void shouldHandOutJournalSequencesThatGoOnAcrossARestartMultiSlotRecordsIncluded() throws Exception
    {
        final long[] tickets = new long[6];
        try (JournalRing ring = JournalRing.start(context()))
        {
            for (int i = 0; i < 3; i++)
            {
                tickets[i] = ring.publish(new UnsafeBuffer(pattern(3 * SLOT, i)), 0, 3 * SLOT, 0);
            }
            assertTrue(ring.awaitDurable(tickets[2], 10, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++)
            {
                assertEquals(i, ring.journalSequence(tickets[i]), "record " + i);
            }
            assertEquals(-1, ring.journalSequence(tickets[2] - 1), "a continuation slot is no record's ticket");
            assertEquals(2, ring.durableSequence());
        }
        final AtomicLong listened = new AtomicLong(-1);
        try (JournalRing ring = JournalRing.start(context().durableListener((ticket, sequence) ->
            listened.set(sequence))))
        {
            for (int i = 3; i < 6; i++)
            {
                tickets[i] = ring.publish(new UnsafeBuffer(pattern(i == 4 ? 2 * SLOT + 1 : 8, i)), 0,
                    i == 4 ? 2 * SLOT + 1 : 8, 0);
            }
            assertTrue(ring.awaitDurable(tickets[5], 10, TimeUnit.SECONDS));
            for (int i = 3; i < 6; i++)
            {
                assertEquals(i, ring.journalSequence(tickets[i]), "record " + i + " after the restart");
            }
            assertEquals(5, ring.durableSequence());
        }
        assertEquals(5, listened.get(), "the durable listener's sequence goes on across the restart");
    }
}
