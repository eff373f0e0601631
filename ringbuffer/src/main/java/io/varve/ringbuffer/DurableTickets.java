package io.varve.ringbuffer;

/**
 * Which tickets are durable. The journaling thread acknowledges tickets itself after the forces it runs (group
 * commit, every record) or after writing to the mapping (no fsync). Under a periodic policy the journal's
 * background thread forces, and knows only positions: the journaling thread then leaves a checkpoint
 * (ticket, journal sequence, end position) at the end of each batch and the journal's durability callback turns
 * positions into tickets. When checkpoints pile up faster than forces happen, the newest is overwritten:
 * acknowledgements get coarser, never early.
 * <p>
 * Threading: threadsafe; the durable ticket is read by producers without locking.
 */
final class DurableTickets
{
    private static final int CHECKPOINTS = 4096;

    private final long[] tickets = new long[CHECKPOINTS];
    private final long[] positions = new long[CHECKPOINTS];
    private final long[] sequences = new long[CHECKPOINTS];
    private final RingDurableListener listener;
    private final Runnable onAdvance;
    private int head;
    private int count;
    private volatile long durableTicket = -1;
    private volatile long durableSequence = -1;

    DurableTickets(final RingDurableListener listener, final Runnable onAdvance)
    {
        this.listener = listener;
        this.onAdvance = onAdvance;
    }

    long durableTicket()
    {
        return durableTicket;
    }

    long durableSequence()
    {
        return durableSequence;
    }

    synchronized void checkpoint(final long ticket, final long sequence, final long endPosition)
    {
        if (count == CHECKPOINTS)
        {
            final int newest = (head + count - 1) & (CHECKPOINTS - 1);
            tickets[newest] = ticket;
            sequences[newest] = sequence;
            positions[newest] = endPosition;
            return;
        }
        final int slot = (head + count) & (CHECKPOINTS - 1);
        tickets[slot] = ticket;
        sequences[slot] = sequence;
        positions[slot] = endPosition;
        count++;
    }

    synchronized void onDurablePosition(final long durablePosition)
    {
        long ticket = -1;
        long sequence = -1;
        while (count > 0 && positions[head] <= durablePosition)
        {
            ticket = tickets[head];
            sequence = sequences[head];
            head = (head + 1) & (CHECKPOINTS - 1);
            count--;
        }
        if (ticket >= 0)
        {
            acknowledge(ticket, sequence);
        }
    }

    synchronized void acknowledge(final long ticket, final long sequence)
    {
        if (ticket > durableTicket)
        {
            // the listener runs before waiters are released, so whatever it records is visible to a producer
            // that returns from awaitDurable for the same ticket
            try
            {
                if (listener != null)
                {
                    listener.onDurable(ticket, sequence);
                }
            }
            finally
            {
                durableSequence = Math.max(durableSequence, sequence);
                durableTicket = ticket;
                onAdvance.run();
            }
        }
    }
}
