package io.varve.ringbuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One slot of the ring: a fixed-size region of the ring's off-heap buffer and the header fields of the record a
 * producer put there. Slots are created once, when the ring starts, and reused.
 * <p>
 * Threading: owned by the producer between claim and publish, then by the journaling thread; the Disruptor's
 * sequence hand-off orders the two.
 */
final class RingSlot
{
    /** Length of an aborted claim: the journaling thread skips the slot. */
    static final int ABORTED = -1;

    final UnsafeBuffer buffer;
    int length;
    int type;

    RingSlot(final UnsafeBuffer buffer)
    {
        this.buffer = buffer;
    }
}
