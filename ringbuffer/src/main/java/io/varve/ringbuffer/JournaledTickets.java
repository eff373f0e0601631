package io.varve.ringbuffer;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Which journal sequence each of the last {@code ringSize} tickets got, so a producer can learn where its record
 * landed: the ring's tickets start at 0 each time a ring starts, the journal's sequences never do. One entry per
 * slot, {@code [ticket, sequence]}, written by the journaling thread as a one-writer seqlock: the ticket is cleared,
 * the sequence stored, then the ticket stored with a release; a reader that reads the same ticket before and after
 * the sequence read the sequence that belongs to it.
 * <p>
 * Threading: {@link #journaled(long, long)} on the journaling thread only; {@link #sequenceOf(long)} on any thread.
 */
final class JournaledTickets
{
    private static final int TICKET_OFFSET = 0;
    private static final int SEQUENCE_OFFSET = BitUtil.SIZE_OF_LONG;
    private static final int ENTRY_LENGTH = 2 * BitUtil.SIZE_OF_LONG;

    private final UnsafeBuffer entries;
    private final int mask;

    JournaledTickets(final int ringSize)
    {
        entries = new UnsafeBuffer(ByteBuffer.allocateDirect(ringSize * ENTRY_LENGTH));
        mask = ringSize - 1;
        for (int i = 0; i < ringSize; i++)
        {
            entries.putLong(i * ENTRY_LENGTH + TICKET_OFFSET, -1);
        }
    }

    void journaled(final long ticket, final long sequence)
    {
        final int offset = (int)(ticket & mask) * ENTRY_LENGTH;
        entries.putLongRelease(offset + TICKET_OFFSET, -1);
        entries.putLongRelease(offset + SEQUENCE_OFFSET, sequence);
        entries.putLongRelease(offset + TICKET_OFFSET, ticket);
    }

    long sequenceOf(final long ticket)
    {
        if (ticket < 0)
        {
            return -1;
        }
        final int offset = (int)(ticket & mask) * ENTRY_LENGTH;
        if (entries.getLongVolatile(offset + TICKET_OFFSET) != ticket)
        {
            return -1;
        }
        final long sequence = entries.getLongVolatile(offset + SEQUENCE_OFFSET);
        return entries.getLongVolatile(offset + TICKET_OFFSET) == ticket ? sequence : -1;
    }
}
