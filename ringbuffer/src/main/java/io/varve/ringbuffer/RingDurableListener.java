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
     * to the mapping), and so is every record of the journal up to {@code durableSequence}. Tickets start at 0 each
     * time a ring starts; journal sequences go on across restarts, so the sequence is what to store to find the
     * record again (a tailer's {@code seekToSequence}). For one ticket's own sequence use
     * {@link JournalRing#journalSequence(long)}, which may be called from here.
     *
     * @param durableTicket   highest durable ticket.
     * @param durableSequence journal sequence of the last record at or below {@code durableTicket}, or -1 when this
     *                        ring has journaled no record yet (every ticket so far was aborted).
     */
    void onDurable(long durableTicket, long durableSequence);
}
