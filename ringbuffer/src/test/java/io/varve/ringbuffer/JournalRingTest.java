package io.varve.ringbuffer;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalContext;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.format.FrameWalker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRingTest
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    @TempDir
    Path dir;

    private JournalContext journal(final FsyncPolicy policy)
    {
        return new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).fsyncPolicy(policy);
    }

    /** Records of the journal as (producer, counter) pairs in journal order, checking sequences are contiguous. */
    private List<long[]> journalRecords()
    {
        final List<long[]> records = new ArrayList<>();
        final long[] next = {0};
        FrameWalker.walk(dir, SEGMENT_LENGTH, (buffer, offset, length, sequence, timestamp, type, position) ->
        {
            assertEquals(next[0]++, sequence, "sequences contiguous");
            records.add(new long[]{ buffer.getInt(offset, LITTLE_ENDIAN), buffer.getLong(offset + 8, LITTLE_ENDIAN) });
        });
        return records;
    }

    private static void assertEachProducerInOrderOnce(final List<long[]> records, final int producers, final long each)
    {
        final long[] nextPerProducer = new long[producers];
        for (final long[] record : records)
        {
            final int producer = (int)record[0];
            assertEquals(nextPerProducer[producer]++, record[1], "producer " + producer + " in its own order");
        }
        for (int p = 0; p < producers; p++)
        {
            assertEquals(each, nextPerProducer[p], "producer " + p + " every record exactly once");
        }
    }

    @Test
    void shouldJournalEveryRecordOfManyProducersOnceInEachProducersOrder() throws Exception
    {
        final int producers = 4;
        final int each = 50_000;
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.BATCH))
            .ringSize(1024).slotCapacity(64)))
        {
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads.add(new Thread(() ->
                {
                    final UnsafeBuffer payload = new UnsafeBuffer(new byte[24]);
                    payload.putInt(0, producer, LITTLE_ENDIAN);
                    long last = -1;
                    for (long i = 0; i < each; i++)
                    {
                        payload.putLong(8, i, LITTLE_ENDIAN);
                        if ((i & 1) == 0)
                        {
                            last = ring.publish(payload, 0, 24, 1);
                        }
                        else
                        {
                            final long ticket = ring.claim();
                            ring.buffer(ticket).putBytes(0, payload, 0, 24);
                            ring.commit(ticket, 24, 1);
                            last = ticket;
                        }
                    }
                    assertTrue(ring.awaitDurable(last, 30, TimeUnit.SECONDS));
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread thread : threads)
            {
                thread.join();
            }
        }
        final List<long[]> records = journalRecords();
        assertEquals(producers * each, records.size());
        assertEachProducerInOrderOnce(records, producers, each);
    }

    @Test
    void shouldWorkWithASingleProducer() throws Exception
    {
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.NONE))
            .ringSize(256).slotCapacity(64).multiProducer(false)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            long ticket = -1;
            for (long i = 0; i < 100_000; i++)
            {
                payload.putLong(8, i, LITTLE_ENDIAN);
                ticket = ring.publish(payload, 0, 16, 0);
            }
            assertEquals(99_999, ticket);
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS), "NONE acknowledges once written");
        }
        assertEachProducerInOrderOnce(journalRecords(), 1, 100_000);
    }

    @Test
    void shouldNeverAcknowledgeBeforeTheForceThatCoversTheRecordReturned() throws Exception
    {
        final CountDownLatch releaseForce = new CountDownLatch(1);
        final AtomicBoolean holding = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicLong acknowledged = new AtomicLong(-1);
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(journal(FsyncPolicy.BATCH).forceInterceptor((file, from, to) ->
            {
                if (holding.get())
                {
                    awaitQuietly(releaseForce);
                }
            }))
            .durableListener((ticket, sequence) ->
            {
                acknowledged.set(ticket);
                if (holding.get())
                {
                    violations.add("acknowledged ticket " + ticket + " while the force was held");
                }
            })
            .ringSize(64).slotCapacity(64)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
            final long first = ring.publish(payload, 0, 32, 0);
            assertTrue(ring.awaitDurable(first, 10, TimeUnit.SECONDS));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (acknowledged.get() < first && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertEquals(first, acknowledged.get(), "the listener heard of it too");

            holding.set(true);
            final long held = ring.publish(payload, 0, 32, 0);
            assertFalse(ring.awaitDurable(held, 200, TimeUnit.MILLISECONDS), "no ack while the force is held");
            assertTrue(ring.durableTicket() < held);
            holding.set(false);
            releaseForce.countDown();
            assertTrue(ring.awaitDurable(held, 10, TimeUnit.SECONDS), "acknowledged once the force returned");
        }
        assertTrue(violations.isEmpty(), violations.toString());
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldFailTheRingOnAFailedForceAndAcknowledgeNothingUnforced() throws Exception
    {
        final AtomicBoolean failing = new AtomicBoolean();
        final IOException injected = new IOException("injected EIO");
        final JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(journal(FsyncPolicy.BATCH).forceInterceptor((file, from, to) ->
            {
                if (failing.get())
                {
                    throw injected;
                }
            }))
            .ringSize(64).slotCapacity(64));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        final long good = ring.publish(payload, 0, 32, 0);
        assertTrue(ring.awaitDurable(good, 10, TimeUnit.SECONDS));
        failing.set(true);
        final long doomed = ring.publish(payload, 0, 32, 0);
        final RingFailedException waiting = assertThrows(RingFailedException.class,
            () -> ring.awaitDurable(doomed, 10, TimeUnit.SECONDS));
        assertSame(injected, rootCause(waiting));
        assertEquals(good, ring.durableTicket(), "nothing after the failure was acknowledged");
        final RingFailedException later = assertThrows(RingFailedException.class,
            () -> ring.publish(payload, 0, 32, 0));
        assertSame(injected, rootCause(later));
        assertThrows(RingFailedException.class, ring::close);
    }

    private static Throwable rootCause(final Throwable ex)
    {
        Throwable cause = ex;
        while (cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void shouldBlockOrRejectProducersWhenTheJournalIsSlowAndLoseNothing() throws Exception
    {
        for (final WaitPolicy policy : WaitPolicy.values())
        {
            final Path journalDir = dir.resolve(policy.name());
            final AtomicInteger rejected = new AtomicInteger();
            final int each = 3000;
            try (JournalRing ring = JournalRing.start(new RingContext()
                .journalContext(new JournalContext().directory(journalDir).segmentLength(SEGMENT_LENGTH)
                    .fsyncPolicy(FsyncPolicy.BATCH)
                    .forceInterceptor((file, from, to) -> java.util.concurrent.locks.LockSupport.parkNanos(200_000)))
                .ringSize(8).slotCapacity(64).producerWait(policy).journalingWait(policy)))
            {
                final Thread blocking = new Thread(() -> produce(ring, 0, each, false, rejected));
                final Thread trying = new Thread(() -> produce(ring, 1, each, true, rejected));
                blocking.start();
                trying.start();
                blocking.join();
                trying.join();
            }
            assertTrue(rejected.get() > 0, policy + ": a full ring rejected tryPublish");
            final List<long[]> records = new ArrayList<>();
            FrameWalker.walk(journalDir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) ->
                records.add(new long[]{ b.getInt(o, LITTLE_ENDIAN), b.getLong(o + 8, LITTLE_ENDIAN) }));
            assertEquals(2 * each, records.size(), policy.name());
            assertEachProducerInOrderOnce(records, 2, each);
        }
    }

    private static void produce(
        final JournalRing ring, final int producer, final int each, final boolean tryOnly, final AtomicInteger rejected)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        payload.putInt(0, producer, LITTLE_ENDIAN);
        for (long i = 0; i < each; i++)
        {
            payload.putLong(8, i, LITTLE_ENDIAN);
            if (tryOnly)
            {
                while (ring.tryPublish(payload, 0, 16, 0) == JournalRing.BACK_PRESSURED)
                {
                    rejected.incrementAndGet();
                    Thread.yield();
                }
            }
            else
            {
                ring.publish(payload, 0, 16, 0);
            }
        }
    }

    @Test
    void shouldLoseNoRecordWhenClosedWithRecordsInFlight() throws Exception
    {
        final int producers = 3;
        final ConcurrentLinkedQueue<long[]> accepted = new ConcurrentLinkedQueue<>();
        final AtomicInteger refusedAfterClose = new AtomicInteger();
        final JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.BATCH))
            .ringSize(128).slotCapacity(64));
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            threads.add(new Thread(() ->
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
                payload.putInt(0, producer, LITTLE_ENDIAN);
                for (long i = 0; ; i++)
                {
                    payload.putLong(8, i, LITTLE_ENDIAN);
                    try
                    {
                        ring.publish(payload, 0, 16, 0);
                        accepted.add(new long[]{ producer, i });
                    }
                    catch (final RingClosedException ex)
                    {
                        refusedAfterClose.incrementAndGet();
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        Thread.sleep(300);
        ring.close();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertEquals(producers, refusedAfterClose.get(), "every producer was told the ring closed");
        final List<long[]> records = journalRecords();
        assertEquals(accepted.size(), records.size(), "every accepted record is in the journal, no other");
        final long[] perProducer = new long[producers];
        for (final long[] record : records)
        {
            assertEquals(perProducer[(int)record[0]]++, record[1]);
        }
        assertTrue(records.size() > 1000, "the test published something: " + records.size());
        assertThrows(RingClosedException.class, () -> ring.publish(new UnsafeBuffer(new byte[8]), 0, 8, 0));
    }

    @Test
    void shouldRefuseARecordLargerThanTheRingOrAClaimLargerThanASlotNamingTheSizes()
    {
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.NONE))
            .ringSize(16).slotCapacity(100)))
        {
            assertEquals(128, ring.slotCapacity(), "rounded up to a cache line");
            assertEquals(16 * 128, ring.maxRecordLength(), "the whole ring");
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[4096]);
            final RecordTooLargeException ex = assertThrows(RecordTooLargeException.class,
                () -> ring.publish(payload, 0, 16 * 128 + 1, 0));
            assertTrue(ex.getMessage().contains("length=2049"), ex.getMessage());
            assertTrue(ex.getMessage().contains("maxRecordLength=2048"), ex.getMessage());
            assertTrue(ex.getMessage().contains("ringSize * slotCapacity=2048"), ex.getMessage());

            final long claimed = ring.claim();
            final RecordTooLargeException claimEx = assertThrows(RecordTooLargeException.class,
                () -> ring.commit(claimed, 129, 0));
            assertTrue(claimEx.getMessage().contains("varve.ring.slot.capacity"), claimEx.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.publish(payload, 0, 8, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> ring.publish(payload, 4000, 200, 0));
            final long ticket = ring.publish(payload, 0, 16 * 128, 0);
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS), "the ring is not stuck");
        }
    }

    @Test
    void shouldCarryARecordLargerThanTheDefaultSlotThroughTheRing()
    {
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.BATCH))
            .ringSize(1024)))
        {
            assertEquals(RingConfiguration.SLOT_CAPACITY_DEFAULT, ring.slotCapacity());
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
            for (int i = 0; i < 300; i++)
            {
                payload.putByte(i, (byte)i);
            }
            final long ticket = ring.publish(payload, 0, 300, 7);
            assertEquals(1, ticket, "two slots, the ticket of the last");
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS));
            assertEquals(0, ring.journalSequence(ticket));
            final int[] seen = {0};
            FrameWalker.walk(dir, SEGMENT_LENGTH, (buffer, offset, length, sequence, timestamp, type, position) ->
            {
                assertEquals(300, length);
                assertEquals(7, type);
                for (int i = 0; i < 300; i++)
                {
                    assertEquals((byte)i, buffer.getByte(offset + i));
                }
                seen[0]++;
            });
            assertEquals(1, seen[0]);
        }
    }

    @Test
    void shouldJournalRecordsSpanningSlotsFromManyProducersWhole() throws Exception
    {
        final int producers = 2;
        final int each = 3000;
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.BATCH))
            .ringSize(16).slotCapacity(64).maxBatchBytes(4096)))
        {
            final List<Thread> threads = new ArrayList<>();
            final AtomicLong lastTicket = new AtomicLong(-1);
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads.add(new Thread(() ->
                {
                    final UnsafeBuffer payload = new UnsafeBuffer(new byte[1024]);
                    for (int i = 0; i < each; i++)
                    {
                        final int length = spanningLength(producer, i);
                        payload.putInt(0, producer, LITTLE_ENDIAN);
                        payload.putLong(8, i, LITTLE_ENDIAN);
                        for (int b = 16; b < length; b++)
                        {
                            payload.putByte(b, (byte)(producer * 31 + i + b));
                        }
                        lastTicket.accumulateAndGet(ring.publish(payload, 0, length, producer), Math::max);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertTrue(ring.awaitDurable(lastTicket.get(), 10, TimeUnit.SECONDS));
        }
        final long[] nextPerProducer = new long[producers];
        FrameWalker.walk(dir, SEGMENT_LENGTH, (buffer, offset, length, sequence, timestamp, type, position) ->
        {
            final int producer = buffer.getInt(offset, LITTLE_ENDIAN);
            final long i = buffer.getLong(offset + 8, LITTLE_ENDIAN);
            assertEquals(producer, type);
            assertEquals(nextPerProducer[producer]++, i, "producer " + producer + " in order, once");
            assertEquals(spanningLength(producer, (int)i), length);
            for (int b = 16; b < length; b++)
            {
                assertEquals((byte)(producer * 31 + i + b), buffer.getByte(offset + b), "byte " + b);
            }
        });
        for (int p = 0; p < producers; p++)
        {
            assertEquals(each, nextPerProducer[p]);
        }
    }

    private static int spanningLength(final int producer, final int i)
    {
        // from one slot to the whole ring of 16 slots of 64 bytes
        return 16 + (int)(((producer + 1L) * i * 0x9E3779B97F4A7C15L >>> 40) % (16 * 64 - 16 + 1));
    }

    @Test
    void shouldTellEachProducerItsRecordsJournalSequenceAcrossARestartOfTheRing()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final AtomicLong heardTicket = new AtomicLong(-1);
        final AtomicLong heardSequence = new AtomicLong(-1);
        final long[] sequences = new long[5];
        for (int run = 0; run < 2; run++)
        {
            try (JournalRing ring = JournalRing.start(new RingContext().journalContext(journal(FsyncPolicy.BATCH))
                .ringSize(64).slotCapacity(64)
                .durableListener((ticket, sequence) ->
                {
                    heardTicket.set(ticket);
                    heardSequence.set(sequence);
                })))
            {
                final int records = run == 0 ? 3 : 2;
                for (int i = 0; i < records; i++)
                {
                    final int record = run * 3 + i;
                    payload.putLong(0, 1000 + record, LITTLE_ENDIAN);
                    final long ticket = ring.publish(payload, 0, 64, 0);
                    assertEquals(i, ticket, "tickets start at 0 in every run");
                    assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS));
                    sequences[record] = ring.journalSequence(ticket);
                    assertEquals(ticket, heardTicket.get());
                    assertEquals(sequences[record], heardSequence.get(), "the listener heard the sequence");
                    assertEquals(sequences[record], ring.durableSequence());
                }
                assertEquals(-1, ring.journalSequence(records), "not published yet");
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), java.util.Arrays.stream(sequences).boxed().toList(),
            "journal sequences go on across the restart");
        try (io.varve.journal.read.JournalReader reader = io.varve.journal.read.JournalReader.open(dir);
            io.varve.journal.read.Tailer tailer = reader.tailer())
        {
            for (int record = 0; record < 5; record++)
            {
                final long expected = 1000 + record;
                tailer.seekToSequence(sequences[record]);
                assertEquals(1, tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                    assertEquals(expected, buffer.getLong(offset, LITTLE_ENDIAN)), 1));
            }
        }
    }

    @Test
    void shouldAcknowledgeUnderAPeriodicPolicyOnceTheBackgroundForceCoversTheRecord() throws Exception
    {
        final AtomicLong lastAck = new AtomicLong(-1);
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(journal(FsyncPolicy.periodic(Duration.ofMillis(20))))
            .durableListener((ticket, sequence) -> lastAck.set(ticket))
            .ringSize(1024).slotCapacity(64)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            long ticket = -1;
            for (int i = 0; i < 10_000; i++)
            {
                ticket = ring.publish(payload, 0, 16, 0);
            }
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS));
            assertTrue(ring.journal().durablePosition() >= ring.journal().appender().position() - 1024,
                "acknowledged only once the periodic force covered it");
            assertEquals(ticket, lastAck.get());
        }
    }

    @Test
    void shouldPublishWithoutAllocating()
    {
        try (JournalRing ring = JournalRing.start(new RingContext().journalContext(
            new JournalContext().directory(dir).segmentLength(256 * 1024 * 1024).fsyncPolicy(FsyncPolicy.NONE))
            .ringSize(65536).slotCapacity(64)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            for (int i = 0; i < 200_000; i++)
            {
                ring.publish(payload, 0, 64, 0);
            }
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000_000; i++)
            {
                final long ticket = ring.claim();
                ring.buffer(ticket).putLong(0, i);
                ring.commit(ticket, 64, 0);
                ring.publish(payload, 0, 64, 0);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // nothing per record; a JIT deoptimisation may materialise a few scalar-replaced objects once
            assertTrue(allocated < 64 * 1024, "2M publishes allocated " + allocated + " bytes");
        }
    }
}
