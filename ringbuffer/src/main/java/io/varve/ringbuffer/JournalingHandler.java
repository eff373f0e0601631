package io.varve.ringbuffer;

import com.lmax.disruptor.EventHandler;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.write.Appender;

/**
 * The journaling thread's work: copy each published slot into the journal with the core appender, and under the
 * {@code BATCH} policy ask for a force once per batch (group commit), bounded by bytes and time as BookKeeper's
 * journal is. The force runs on the {@link RingForcer}'s thread while this one goes on appending, and the batch's
 * tickets are acknowledged only after the force that covers them returned. A failure stops appending, fails the
 * ring, and keeps draining slots so that no producer blocks on a ring nobody empties.
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
    private final FsyncPolicy.Kind policy;
    private final long maxBatchBytes;
    private final long maxBatchWaitNanos;
    private long pendingBytes;
    private long pendingSince;
    private long lastTicket = -1;
    private int sinceTimeCheck;
    private boolean failed;

    JournalingHandler(
        final JournalRing ring,
        final RingForcer forcer,
        final Appender appender,
        final DurableTickets tickets,
        final FsyncPolicy.Kind policy,
        final long maxBatchBytes,
        final long maxBatchWaitNanos)
    {
        this.ring = ring;
        this.forcer = forcer;
        this.appender = appender;
        this.tickets = tickets;
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
        lastTicket = sequence;
        final int length = slot.length;
        if (length != RingSlot.ABORTED)
        {
            try
            {
                appender.append(slot.buffer, 0, length, slot.type);
            }
            catch (final Throwable ex)
            {
                fail(ex);
                return;
            }
            if (pendingBytes == 0 && policy == FsyncPolicy.Kind.BATCH)
            {
                pendingSince = System.nanoTime();
            }
            pendingBytes += length;
        }
        switch (policy)
        {
            case BATCH:
                if (endOfBatch || pendingBytes >= maxBatchBytes || waitedTooLong())
                {
                    force();
                }
                break;

            case EVERY_RECORD:
                tickets.acknowledge(sequence);
                break;

            case PERIODIC:
                if (endOfBatch)
                {
                    tickets.checkpoint(sequence, appender.position());
                }
                break;

            default:
                if (endOfBatch)
                {
                    tickets.acknowledge(sequence);
                }
                break;
        }
        if (endOfBatch)
        {
            ring.signalWaiters();
        }
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
        tickets.checkpoint(lastTicket, appender.position());
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
