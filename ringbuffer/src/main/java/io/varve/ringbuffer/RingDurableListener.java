package io.varve.ringbuffer;

/**
 * Told when records become durable, as an alternative to {@link JournalRing#awaitDurable}.
 * <p>
 * Threading: called on the journaling thread, or under a periodic fsync policy on the journal's background thread,
 * right after the force that covers the records returned, and before producers waiting in
 * {@link JournalRing#awaitDurable} for those records are released. Return quickly; never publish from here into a
 * full ring.
 */
@FunctionalInterface
public interface RingDurableListener
{
    /**
     * Every record whose ticket is at most {@code durableTicket} is durable (under {@code FsyncPolicy.NONE}: written
     * to the mapping).
     *
     * @param durableTicket highest durable ticket.
     */
    void onDurable(long durableTicket);
}
