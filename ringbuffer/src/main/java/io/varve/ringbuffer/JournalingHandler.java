package io.varve.ringbuffer;

import com.lmax.disruptor.EventHandler;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;

/**
 * The journaling thread's work: copy each published slot into the journal with the core appender, and under the
 * {@code BATCH} policy ask for a force once per batch (group commit), bounded by bytes and time as BookKeeper's
 * journal is. The force runs on the {@link RingForcer}'s thread while this one goes on appending, and the batch's
 * tickets are acknowledged only after the force that covers them returned. A record longer than a slot arrives in
 * consecutive slots and is copied, part by part, into one claim of the appender, committed with its last part;
 * only complete records are acknowledged. Each journaled ticket's journal sequence goes into
 * {@link JournaledTickets}. A failure stops appending, fails the ring, and keeps draining slots so that no producer
 * blocks on a ring nobody empties.
 * <p>
 * Each batch is bracketed with {@link Appender#beginBatch()} and {@link Appender#endBatch()}: a positional-mode
 * appender stages the batch's records and writes them with one positional write at its end (or when its staging
 * buffer fills), and before a checkpoint is handed to the force thread, so a force never aims past what was written.
 * <p>
 * Threading: runs on the journaling thread only.
 */
final class JournalingHandler implements EventHandler<RingSlot>
{
    private static final int TIME_CHECK_INTERVAL = 64;

    private final JournalRing ring;
    private final RingForcer forcer;
    private final Appender appender;
    private final DurableTickets tickets;
    private final JournaledTickets journaled;
    private final int slotCapacity;
    private final FsyncPolicy.Kind policy;
    private final long maxBatchBytes;
    private final long maxBatchWaitNanos;
    private long pendingBytes;
    private long pendingSince;
    private long lastCompleteTicket = -1;
    private long lastSequence = -1;
    private RecordClaim largeClaim;
    private int largeOffset;
    private int largeRemaining;
    private int sinceTimeCheck;
    private boolean failed;
    private boolean batchOpen;

    JournalingHandler(
        final JournalRing ring,
        final RingForcer forcer,
        final Appender appender,
        final DurableTickets tickets,
        final JournaledTickets journaled,
        final int slotCapacity,
        final FsyncPolicy.Kind policy,
        final long maxBatchBytes,
        final long maxBatchWaitNanos)
    {
        this.ring = ring;
        this.forcer = forcer;
        this.appender = appender;
        this.tickets = tickets;
        this.journaled = journaled;
        this.slotCapacity = slotCapacity;
        this.policy = policy;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchWaitNanos = maxBatchWaitNanos;
    }

    public void onEvent(final RingSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (failed)
        {
            ring.signalWaiters();
            return;
        }
        final int length = slot.length;
        try
        {
            if (!batchOpen)
            {
                appender.beginBatch();
                batchOpen = true;
            }
            if (length == RingSlot.CONTINUATION)
            {
                continueLargeRecord(slot, sequence);
            }
            else if (length == RingSlot.ABORTED)
            {
                lastCompleteTicket = sequence;
            }
            else if (length > slotCapacity)
            {
                largeClaim = appender.claim(length, slot.type);
                largeOffset = 0;
                largeRemaining = length;
                continueLargeRecord(slot, sequence);
            }
            else
            {
                appender.append(slot.buffer, 0, length, slot.type);
                journaled(sequence, length);
            }
            if (endOfBatch || (policy == FsyncPolicy.Kind.BATCH && (pendingBytes >= maxBatchBytes || waitedTooLong())))
            {
                // the batch's records written (positional mode) before any checkpoint or acknowledgement names them
                batchOpen = false;
                appender.endBatch();
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
            return;
        }
        switch (policy)
        {
            case BATCH:
                if (!batchOpen)
                {
                    force();
                }
                break;

            case EVERY_RECORD:
                tickets.acknowledge(lastCompleteTicket, lastSequence);
                break;

            case PERIODIC:
                if (endOfBatch)
                {
                    tickets.checkpoint(lastCompleteTicket, lastSequence, appender.position());
                }
                break;

            default:
                if (endOfBatch)
                {
                    tickets.acknowledge(lastCompleteTicket, lastSequence);
                }
                break;
        }
        if (endOfBatch)
        {
            ring.signalWaiters();
        }
    }

    private void continueLargeRecord(final RingSlot slot, final long ticket)
    {
        if (largeClaim == null)
        {
            throw new IllegalStateException("a continuation slot without the start of its record: ticket=" + ticket);
        }
        final int part = Math.min(slotCapacity, largeRemaining);
        largeClaim.buffer().putBytes(largeOffset, slot.buffer, 0, part);
        largeOffset += part;
        largeRemaining -= part;
        if (largeRemaining == 0)
        {
            final RecordClaim claim = largeClaim;
            largeClaim = null;
            claim.commit();
            journaled(ticket, largeOffset);
        }
    }

    private void journaled(final long ticket, final int length)
    {
        final long sequence = appender.nextSequence() - 1;
        journaled.journaled(ticket, sequence);
        lastCompleteTicket = ticket;
        lastSequence = sequence;
        if (pendingBytes == 0 && policy == FsyncPolicy.Kind.BATCH)
        {
            pendingSince = System.nanoTime();
        }
        pendingBytes += length;
    }

    /**
     * Ticket of the last record journaled or aborted as a whole. Read after the journaling thread stopped.
     *
     * @return the ticket, or -1.
     */
    long lastCompleteTicket()
    {
        return lastCompleteTicket;
    }

    /**
     * Journal sequence of the last record journaled. Read after the journaling thread stopped.
     *
     * @return the sequence, or -1.
     */
    long lastSequence()
    {
        return lastSequence;
    }

    private boolean waitedTooLong()
    {
        if (++sinceTimeCheck < TIME_CHECK_INTERVAL)
        {
            return false;
        }
        sinceTimeCheck = 0;
        return pendingBytes > 0 && System.nanoTime() - pendingSince >= maxBatchWaitNanos;
    }

    private void force()
    {
        // Group commit without stalling the journaling thread: leave a checkpoint (ticket, end position) and wake the
        // force thread; it forces everything published so far while this thread goes on appending, and the journal's
        // durability callback acknowledges the checkpoints the force covered.
        tickets.checkpoint(lastCompleteTicket, lastSequence, appender.position());
        forcer.request();
        pendingBytes = 0;
        sinceTimeCheck = 0;
    }

    private void fail(final Throwable ex)
    {
        failed = true;
        ring.fail(ex);
    }

    boolean hasFailed()
    {
        return failed;
    }
}
