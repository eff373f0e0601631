package io.varve.ringbuffer;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.nio.ByteBuffer;

/**
 * The ring's hand-off from a producer to the journaling thread: the producer claims a sequence, writes the record
 * into the slot's off-heap bytes and the slot's length and type ({@code RingSlot.fill} or, after a claim, the
 * application's own writes and {@code RingSlot.commit}), then publishes the sequence; the journaling thread reads
 * the slot only once the Disruptor says the sequence is available, and must then see the whole record. A torn slot
 * would put a record into the journal that no producer wrote.
 * <p>
 * These tests drive the ring's own slot code ({@link RingSlot#factory}, {@link RingSlot#fill},
 * {@link RingSlot#commit}, the calls {@link JournalRing} makes) over the Disruptor 4 {@link RingBuffer} and
 * sequencers it uses, in single- and multi-producer modes. They live in the ring's package because the slot is
 * package-private. The reader checks availability without waiting, as a consumer poll does: "not available" is
 * always acceptable.
 */
public final class RingHandOffTests
{
    private static final int RING_SIZE = 4;
    private static final int SLOT_CAPACITY = 64;
    private static final int LENGTH = 40;
    private static final int TYPE = 7;

    private RingHandOffTests()
    {
    }

    /**
     * {@code JournalRing.publish} on a single-producer ring against the journaling thread.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "not published yet")
    @Outcome(id = "40, 7, 1", expect = Expect.ACCEPTABLE, desc = "the whole record: length, type and every byte")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a published slot seen torn")
    @State
    public static class SingleProducerPublish
    {
        private final Ring ring = new Ring(ProducerType.SINGLE);
        private final UnsafeBuffer source = Ring.record(1);

        /**
         * The producer.
         */
        @Actor
        public void producer()
        {
            final long ticket = ring.ringBuffer.next();
            ring.ringBuffer.get(ticket).fill(source, 0, LENGTH, TYPE);
            ring.ringBuffer.publish(ticket);
        }

        /**
         * The journaling thread.
         *
         * @param result length, type, 1 when every byte is the producer's.
         */
        @Actor
        public void journaling(final III_Result result)
        {
            ring.read(0, 1, result);
        }
    }

    /**
     * {@code JournalRing.claim}, the application encoding into {@code buffer(ticket)}, {@code commit}; on a
     * multi-producer ring against the journaling thread.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "not committed yet")
    @Outcome(id = "40, 7, 1", expect = Expect.ACCEPTABLE, desc = "the whole record: length, type and every byte")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a committed slot seen torn")
    @State
    public static class MultiProducerClaimCommit
    {
        private final Ring ring = new Ring(ProducerType.MULTI);

        /**
         * The producer, encoding in place.
         */
        @Actor
        public void producer()
        {
            final long ticket = ring.ringBuffer.next();
            final RingSlot slot = ring.ringBuffer.get(ticket);
            Ring.encode(slot.buffer, 1);
            slot.commit(LENGTH, TYPE);
            ring.ringBuffer.publish(ticket);
        }

        /**
         * The journaling thread.
         *
         * @param result length, type, 1 when every byte is the producer's.
         */
        @Actor
        public void journaling(final III_Result result)
        {
            ring.read(0, 1, result);
        }
    }

    /**
     * Two producers publishing at once on a multi-producer ring: each gets its own slot and no slot holds a mix. The
     * second producer then looks at both slots as the journaling thread would (jcstress runs no more actors than
     * the 2 CPUs CI has): its own is whole, the other unavailable or whole with the other producer's bytes. Results
     * per slot: 0 not available, 1 or 2 the producer whose record is whole there, -1 torn.
     */
    @JCStressTest
    @Outcome(id = {"2, 0", "2, 1", "0, 2", "1, 2"}, expect = Expect.ACCEPTABLE,
        desc = "its own slot whole, the other unavailable or holding the other producer's whole record")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a slot seen torn, a slot shared, or its own record missing")
    @State
    public static class TwoProducers
    {
        private final Ring ring = new Ring(ProducerType.MULTI);
        private final UnsafeBuffer first = Ring.record(1);
        private final UnsafeBuffer second = Ring.record(2);

        /**
         * One producer.
         */
        @Actor
        public void producer1()
        {
            publish(first);
        }

        /**
         * The other producer, then the journaling thread's view of both slots.
         *
         * @param result who is whole in slot 0 and in slot 1.
         */
        @Actor
        public void producer2(final II_Result result)
        {
            publish(second);
            result.r1 = ring.owner(0);
            result.r2 = ring.owner(1);
        }

        private void publish(final UnsafeBuffer source)
        {
            final long ticket;
            try
            {
                ticket = ring.ringBuffer.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                throw new IllegalStateException("a ring of " + RING_SIZE + " slots is full after 2 claims", ex);
            }
            ring.ringBuffer.get(ticket).fill(source, 0, LENGTH, TYPE);
            ring.ringBuffer.publish(ticket);
        }
    }

    /**
     * {@code JournalRing.abort} against the journaling thread: an available aborted slot says so, and is never taken
     * for a record.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "not published yet")
    @Outcome(id = "-1, 0, 0", expect = Expect.ACCEPTABLE, desc = "published as aborted: the thread skips it")
    @Outcome(expect = Expect.FORBIDDEN, desc = "an aborted claim seen as a record")
    @State
    public static class Abort
    {
        private final Ring ring = new Ring(ProducerType.MULTI);

        /**
         * The producer, giving its claim back after writing part of a record.
         */
        @Actor
        public void producer()
        {
            final long ticket = ring.ringBuffer.next();
            final RingSlot slot = ring.ringBuffer.get(ticket);
            slot.buffer.putLong(0, 42);
            slot.commit(RingSlot.ABORTED, 0);
            ring.ringBuffer.publish(ticket);
        }

        /**
         * The journaling thread.
         *
         * @param result length, type, 1 when the bytes are a record's.
         */
        @Actor
        public void journaling(final III_Result result)
        {
            if (ring.ringBuffer.isAvailable(0))
            {
                final RingSlot slot = ring.ringBuffer.get(0);
                result.r1 = slot.length;
                result.r2 = slot.type;
                result.r3 = slot.length == RingSlot.ABORTED ? 0 : 1;
            }
        }
    }

    /**
     * A ring built the way {@link JournalRing} builds it, and the journaling thread's view of it.
     */
    static final class Ring
    {
        final RingBuffer<RingSlot> ringBuffer;

        Ring(final ProducerType producerType)
        {
            final ByteBuffer slots = BufferUtil.allocateDirectAligned(RING_SIZE * SLOT_CAPACITY, SLOT_CAPACITY);
            ringBuffer = RingBuffer.create(producerType, RingSlot.factory(slots, SLOT_CAPACITY), RING_SIZE,
                new BusySpinWaitStrategy());
        }

        static UnsafeBuffer record(final int producer)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH]);
            encode(buffer, producer);
            return buffer;
        }

        static void encode(final MutableDirectBuffer buffer, final int producer)
        {
            for (int i = 0; i < LENGTH; i += Long.BYTES)
            {
                buffer.putLong(i, pattern(producer, i));
            }
        }

        private static long pattern(final int producer, final int index)
        {
            return 0x0101010101010101L * producer + index;
        }

        void read(final long sequence, final int producer, final III_Result result)
        {
            if (ringBuffer.isAvailable(sequence))
            {
                final RingSlot slot = ringBuffer.get(sequence);
                result.r1 = slot.length;
                result.r2 = slot.type;
                result.r3 = holds(slot, producer) ? 1 : 0;
            }
        }

        int owner(final long sequence)
        {
            if (!ringBuffer.isAvailable(sequence))
            {
                return 0;
            }
            final RingSlot slot = ringBuffer.get(sequence);
            if (slot.length != LENGTH || slot.type != TYPE)
            {
                return -1;
            }
            return holds(slot, 1) ? 1 : holds(slot, 2) ? 2 : -1;
        }

        private static boolean holds(final RingSlot slot, final int producer)
        {
            for (int i = 0; i < LENGTH; i += Long.BYTES)
            {
                if (slot.buffer.getLong(i) != pattern(producer, i))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
