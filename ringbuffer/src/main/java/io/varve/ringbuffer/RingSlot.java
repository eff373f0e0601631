package io.varve.ringbuffer;

import com.lmax.disruptor.EventFactory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One slot of the ring: a fixed-size region of the ring's off-heap buffer and the header fields of the record a
 * producer put there. Slots are created once, when the ring starts, and reused. A record longer than a slot takes
 * consecutive slots: the first holds the record's whole length and type and its first part, the others
 * {@link #CONTINUATION} and the next parts.
 * <p>
 * Threading: owned by the producer between claim and publish, then by the journaling thread; the Disruptor's
 * sequence hand-off orders the two.
 */
final class RingSlot
{
    /** Length of an aborted claim: the journaling thread skips the slot. */
    static final int ABORTED = -1;
    /** Length of a slot that carries the next part of a record longer than a slot, begun in an earlier slot. */
    static final int CONTINUATION = -2;

    final UnsafeBuffer buffer;
    int length;
    int type;

    RingSlot(final UnsafeBuffer buffer)
    {
        this.buffer = buffer;
    }

    /**
     * The slots of a ring: each one a consecutive region of one off-heap buffer, in sequence order.
     *
     * @param slots        the ring's buffer, {@code ringSize * slotCapacity} bytes.
     * @param slotCapacity bytes per slot.
     * @return the factory the Disruptor calls once per slot when the ring is built.
     */
    static EventFactory<RingSlot> factory(final ByteBuffer slots, final int slotCapacity)
    {
        final int[] next = {0};
        return () -> new RingSlot(new UnsafeBuffer(slots, slotCapacity * next[0]++, slotCapacity));
    }

    /**
     * A producer's copy of its record into the slot, before it publishes the slot's sequence.
     *
     * @param source     holding the payload.
     * @param offset     of the payload.
     * @param length     of the payload, at most the slot's capacity.
     * @param recordType record type.
     */
    void fill(final DirectBuffer source, final int offset, final int length, final int recordType)
    {
        buffer.putBytes(0, source, offset, length);
        commit(length, recordType);
    }

    /**
     * A producer's header fields for the record it encoded in the slot, before it publishes the slot's sequence.
     *
     * @param length     of the record, {@link #ABORTED} or {@link #CONTINUATION}.
     * @param recordType record type.
     */
    void commit(final int length, final int recordType)
    {
        this.length = length;
        this.type = recordType;
    }
}
