package io.varve.ringbuffer;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.read.Tailer;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many producer threads, one journaling thread, the journal on disk. Producers on any thread publish records into
 * an LMAX Disruptor ring of pre-allocated off-heap slots; one journaling thread copies each slot into the journal
 * with its appender and, under {@link FsyncPolicy#BATCH}, forces once per batch (group commit) on a force thread of
 * its own, so forces overlap with appending.
 * <p>
 * Every publish returns a <b>ticket</b> (the record's ring sequence, from 0 each time a ring starts). A producer may
 * wait until its ticket is durable with {@link #awaitDurable(long, long, TimeUnit)}, or be told through a
 * {@link RingDurableListener}; either fires only after the force that covers the record returned. Under
 * {@link FsyncPolicy#NONE} "durable" means written to the mapping (safe from a crash of the process, not from a
 * power loss). Where the record landed in the journal, its journal sequence, which goes on across restarts, comes
 * from {@link #journalSequence(long)} once the record is journaled, and with every acknowledgement to the listener.
 * <p>
 * When the ring is full, {@link #publish} waits as the producer {@link WaitPolicy} says and {@link #tryPublish}
 * returns {@link #BACK_PRESSURED} at once; the ring never drops a record on its own. A record longer than a slot
 * takes as many consecutive slots as it needs (up to the whole ring, and at most the journal's maxRecordLength;
 * see {@link #maxRecordLength()}), copied into one journal record by the journaling thread: size slots for the
 * common record and let the rare large one take several. {@link #claim()} encodes into one slot only. A failure
 * of the journal (a failed force, a full disk) fails the ring: later publishes and waiting producers get
 * {@link RingFailedException} with the cause, and nothing that was not forced is acknowledged.
 * {@link #close()} drains every published record into the journal, forces, stops the thread and closes the
 * journal, and only then returns.
 * <p>
 * Threading: publish, claim, commit and await are threadsafe in multi-producer mode; in single-producer mode one
 * thread at a time publishes. {@link #close()} may be called from any thread.
 */
public final class JournalRing implements AutoCloseable
{
    /** What {@link #tryPublish} and {@link #tryClaim} return when the ring is full. */
    public static final long BACK_PRESSURED = -1;

    private final Journal journal;
    private final String directory;
    private final RingBuffer<RingSlot> ringBuffer;
    private final BatchEventProcessor<RingSlot> processor;
    private final Thread journalingThread;
    private final DurableTickets tickets;
    private final JournaledTickets journaled;
    private final int maxRecordLength;
    private final JournalingHandler handler;
    private final RingForcer forcer;
    private final Thread forceThread;
    private final boolean forcing;
    private final int slotCapacity;
    private final boolean singleProducer;
    private final WaitPolicy producerWait;
    private final ByteBuffer slots;
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition progress = waitLock.newCondition();
    private volatile int waiters;
    private volatile long lastClaimed = -1;
    private volatile boolean closed;
    private volatile Throwable failure;
    private boolean closeCompleted;

    private JournalRing(final RingContext context, final Journal journal, final DurableTickets[] ticketsHolder)
    {
        this.journal = journal;
        this.directory = journal.directory().toString();
        this.slotCapacity = context.slotCapacity();
        this.singleProducer = !context.multiProducer();
        this.producerWait = context.producerWait();
        this.tickets = ticketsHolder[0];
        final int ringSize = context.ringSize();
        this.journaled = new JournaledTickets(ringSize);
        this.maxRecordLength = (int)Math.min(journal.appender().maxRecordLength(), (long)ringSize * slotCapacity);
        slots = BufferUtil.allocateDirectAligned(ringSize * slotCapacity, 4096);
        ringBuffer = RingBuffer.create(
            context.multiProducer() ? com.lmax.disruptor.dsl.ProducerType.MULTI :
                com.lmax.disruptor.dsl.ProducerType.SINGLE,
            RingSlot.factory(slots, slotCapacity),
            ringSize,
            context.journalingWait().newWaitStrategy());
        forcer = new RingForcer(journal, this);
        handler = new JournalingHandler(this, forcer, journal.appender(), tickets, journaled, slotCapacity,
            context.journalContext().fsyncPolicy().kind(), context.maxBatchBytes(),
            TimeUnit.MICROSECONDS.toNanos(context.maxBatchWaitMicros()));
        processor = new BatchEventProcessorBuilder().build(ringBuffer, ringBuffer.newBarrier(), handler);
        processor.setExceptionHandler(new FailingExceptionHandler());
        ringBuffer.addGatingSequences(processor.getSequence());
        journalingThread = context.threadFactory().newThread(processor);
        journalingThread.setName("varve-journaling-" + journal.directory().getFileName());
        forcing = context.journalContext().fsyncPolicy().kind() == FsyncPolicy.Kind.BATCH;
        forceThread = new Thread(forcer, "varve-forcer-" + journal.directory().getFileName());
        forceThread.setDaemon(true);
    }

    /**
     * Open the journal and start the journaling thread.
     *
     * @param context settings; concluded here.
     * @return the running ring.
     */
    public static JournalRing start(final RingContext context)
    {
        context.conclude();
        final JournalContext journalContext = context.journalContext();
        final DurableTickets[] ticketsHolder = new DurableTickets[1];
        final JournalRing[] ringHolder = new JournalRing[1];
        ticketsHolder[0] = new DurableTickets(context.durableListener(), () ->
        {
            final JournalRing ring = ringHolder[0];
            if (ring != null)
            {
                ring.signalWaiters();
            }
        });
        final FsyncPolicy.Kind policy = journalContext.fsyncPolicy().kind();
        if (policy == FsyncPolicy.Kind.PERIODIC || policy == FsyncPolicy.Kind.BATCH)
        {
            journalContext.durabilityListener(ticketsHolder[0]::onDurablePosition);
        }
        final Journal journal = Journal.open(journalContext);
        try
        {
            if (journal.appender().maxRecordLength() < context.slotCapacity())
            {
                throw new JournalConfigurationException("slotCapacity exceeds the journal's maxRecordLength: " +
                    "slotCapacity=" + context.slotCapacity() + " maxRecordLength=" +
                    journal.appender().maxRecordLength());
            }
            final JournalRing ring = new JournalRing(context, journal, ticketsHolder);
            ringHolder[0] = ring;
            if (ring.forcing)
            {
                ring.forcer.start(ring.forceThread);
            }
            ring.journalingThread.start();
            return ring;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(journal);
            throw ex;
        }
    }

    /**
     * Publish a record, waiting for room when the ring is full. A record longer than {@link #slotCapacity()} takes
     * several consecutive slots.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload, at most {@link #maxRecordLength()}.
     * @param type   record type, 0 or more.
     * @return the record's ticket (of its last slot, when it takes several).
     * @throws RecordTooLargeException   when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalArgumentException  when {@code type} is negative.
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} lie outside {@code buffer}.
     * @throws RingClosedException       after close, or when interrupted while waiting for room.
     * @throws RingFailedException       after a failure of the journal.
     */
    public long publish(final DirectBuffer buffer, final int offset, final int length, final int type)
    {
        checkRecord(buffer, offset, length, type);
        final int slotCount = slotCount(length);
        final long ticket = claimSlots(slotCount, true);
        return fill(ticket, slotCount, buffer, offset, length, type);
    }

    /**
     * Publish a record if the ring has room for it now.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload, at most {@link #maxRecordLength()}.
     * @param type   record type, 0 or more.
     * @return the record's ticket, or {@link #BACK_PRESSURED} when the ring is full.
     * @throws RecordTooLargeException   when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalArgumentException  when {@code type} is negative.
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} lie outside {@code buffer}.
     * @throws RingClosedException       after close.
     * @throws RingFailedException       after a failure of the journal.
     */
    public long tryPublish(final DirectBuffer buffer, final int offset, final int length, final int type)
    {
        checkRecord(buffer, offset, length, type);
        final int slotCount = slotCount(length);
        final long ticket = claimSlots(slotCount, false);
        return ticket == BACK_PRESSURED ? BACK_PRESSURED : fill(ticket, slotCount, buffer, offset, length, type);
    }

    private int slotCount(final int length)
    {
        return length <= slotCapacity ? 1 : (length + slotCapacity - 1) / slotCapacity;
    }

    private long fill(
        final long ticket,
        final int slotCount,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int type)
    {
        if (slotCount == 1)
        {
            ringBuffer.get(ticket).fill(buffer, offset, length, type);
            ringBuffer.publish(ticket);
            return ticket;
        }
        final long first = ticket - slotCount + 1;
        int copied = 0;
        for (long slotTicket = first; slotTicket <= ticket; slotTicket++)
        {
            final RingSlot slot = ringBuffer.get(slotTicket);
            final int part = Math.min(slotCapacity, length - copied);
            slot.buffer.putBytes(0, buffer, offset + copied, part);
            slot.commit(slotTicket == first ? length : RingSlot.CONTINUATION, type);
            copied += part;
        }
        ringBuffer.publish(first, ticket);
        return ticket;
    }

    /**
     * Claim a slot to encode a record in place, waiting for room; fill {@link #buffer(long)}, then
     * {@link #commit(long, int, int)} or {@link #abort(long)}. Every claim must be committed or aborted, or the
     * journaling thread waits for it forever. A claimed record is at most {@link #slotCapacity()} long.
     *
     * @return the ticket of the claimed slot.
     * @throws RingClosedException after close, or when interrupted while waiting for room.
     * @throws RingFailedException after a failure of the journal.
     */
    public long claim()
    {
        return claimSlots(1, true);
    }

    /**
     * Claim a slot if the ring has room now.
     *
     * @return the ticket, or {@link #BACK_PRESSURED}.
     * @throws RingClosedException after close.
     * @throws RingFailedException after a failure of the journal.
     */
    public long tryClaim()
    {
        return claimSlots(1, false);
    }

    /**
     * The claimed slot's bytes, {@link #slotCapacity()} long.
     *
     * @param ticket from {@link #claim()}.
     * @return the slot's buffer.
     */
    public MutableDirectBuffer buffer(final long ticket)
    {
        return ringBuffer.get(ticket).buffer;
    }

    /**
     * Publish a claimed slot.
     *
     * @param ticket from {@link #claim()}.
     * @param length of the record encoded in the slot, at most {@link #slotCapacity()}.
     * @param type   record type, 0 or more.
     * @throws RecordTooLargeException  when {@code length} is negative or above {@link #slotCapacity()}; the slot is
     *                                  aborted.
     * @throws IllegalArgumentException when {@code type} is negative; the slot is aborted.
     */
    public void commit(final long ticket, final int length, final int type)
    {
        final RingSlot slot = ringBuffer.get(ticket);
        if (length < 0 || length > slotCapacity || type < 0)
        {
            slot.commit(RingSlot.ABORTED, 0);
            ringBuffer.publish(ticket);
            checkLength(length, slotCapacity);
            checkType(type);
        }
        slot.commit(length, type);
        ringBuffer.publish(ticket);
    }

    /**
     * Give a claimed slot back: the journaling thread skips it.
     *
     * @param ticket from {@link #claim()}.
     */
    public void abort(final long ticket)
    {
        ringBuffer.get(ticket).commit(RingSlot.ABORTED, 0);
        ringBuffer.publish(ticket);
    }

    private long claimSlots(final int slotCount, final boolean wait)
    {
        checkUsable();
        long ticket;
        int attempt = 0;
        while (true)
        {
            try
            {
                ticket = ringBuffer.tryNext(slotCount);
                break;
            }
            catch (final InsufficientCapacityException ex)
            {
                if (!wait)
                {
                    return BACK_PRESSURED;
                }
                checkUsable();
                waitForProgress(attempt++, ringBuffer);
            }
        }
        if (singleProducer)
        {
            lastClaimed = ticket;
        }
        // Dekker with close(): the claim above is a volatile write (a CAS in multi-producer mode) and close() writes
        // 'closed' before it reads the claims, so either close() waits for this slot or this producer sees 'closed'.
        if (closed)
        {
            for (long slotTicket = ticket - slotCount + 1; slotTicket <= ticket; slotTicket++)
            {
                ringBuffer.get(slotTicket).commit(RingSlot.ABORTED, 0);
            }
            ringBuffer.publish(ticket - slotCount + 1, ticket);
            throw new RingClosedException(directory);
        }
        return ticket;
    }

    private void waitForProgress(final int attempt, final RingBuffer<RingSlot> full)
    {
        if (producerWait != WaitPolicy.BLOCKING)
        {
            producerWait.idle(attempt);
            return;
        }
        waitLock.lock();
        try
        {
            waiters++;
            if (!full.hasAvailableCapacity(1) && !closed && failure == null)
            {
                progress.await(1, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RingClosedException(directory + " (interrupted while waiting)");
        }
        finally
        {
            waiters--;
            waitLock.unlock();
        }
    }

    /**
     * Wait until a ticket is durable: forced under {@code BATCH}, {@code EVERY_RECORD} and {@code PERIODIC}, written
     * to the mapping under {@code NONE}.
     *
     * @param ticket  from a publish or claim.
     * @param timeout how long to wait.
     * @param unit    of the timeout.
     * @return true when durable, false when the time ran out.
     * @throws RingFailedException when the journal failed before the ticket became durable.
     */
    public boolean awaitDurable(final long ticket, final long timeout, final TimeUnit unit)
    {
        if (tickets.durableTicket() >= ticket)
        {
            return true;
        }
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        int attempt = 0;
        while (tickets.durableTicket() < ticket)
        {
            final Throwable cause = failure;
            if (cause != null)
            {
                throw new RingFailedException(directory, tickets.durableTicket(), cause);
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            if (producerWait == WaitPolicy.BLOCKING)
            {
                awaitSignal(ticket);
            }
            else
            {
                producerWait.idle(attempt++);
            }
        }
        return true;
    }

    private void awaitSignal(final long ticket)
    {
        waitLock.lock();
        try
        {
            waiters++;
            if (tickets.durableTicket() < ticket && failure == null)
            {
                progress.await(1, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RingClosedException(directory + " (interrupted while waiting)");
        }
        finally
        {
            waiters--;
            waitLock.unlock();
        }
    }

    /**
     * Highest durable ticket.
     *
     * @return the ticket, -1 before the first.
     */
    public long durableTicket()
    {
        return tickets.durableTicket();
    }

    /**
     * Journal sequence of the last record at or below {@link #durableTicket()}: every record of the journal up to it
     * is durable.
     *
     * @return the sequence, -1 before this ring acknowledged a record.
     */
    public long durableSequence()
    {
        return tickets.durableSequence();
    }

    /**
     * Where a record landed: its journal sequence, which, unlike tickets, goes on across restarts of the ring, so a
     * producer can store it and find the record again with a tailer's {@code seekToSequence}. Known once the
     * journaling thread has appended the record (not necessarily durable yet: combine with
     * {@link #awaitDurable(long, long, TimeUnit)}) and for the last {@code ringSize} tickets after that; allocates
     * nothing and may be called from any thread, including a {@link RingDurableListener}.
     *
     * @param ticket from a publish or claim.
     * @return the record's journal sequence, or -1 when the record is not journaled yet, was aborted, or is more than
     *         {@code ringSize} tickets old.
     */
    public long journalSequence(final long ticket)
    {
        return journaled.sequenceOf(ticket);
    }

    /**
     * Largest record {@link #publish} takes: the journal's maxRecordLength, or the whole ring
     * ({@code ringSize * slotCapacity}) if that is less.
     *
     * @return bytes.
     */
    public int maxRecordLength()
    {
        return maxRecordLength;
    }

    /**
     * Bytes per slot: the largest record {@link #claim()} takes, and the most a record takes in one slot.
     *
     * @return bytes.
     */
    public int slotCapacity()
    {
        return slotCapacity;
    }

    /**
     * The journal the ring writes to, for tailers and counters. Do not append to it directly.
     *
     * @return the journal.
     */
    public Journal journal()
    {
        return journal;
    }

    /**
     * An unnamed tailer of the ring's journal at its first record.
     *
     * @return the tailer.
     */
    public Tailer tailer()
    {
        return journal.tailer();
    }

    /**
     * The journaling thread, so a tuning profile can pin it or tests can watch it.
     *
     * @return the thread.
     */
    public Thread journalingThread()
    {
        return journalingThread;
    }

    void signalWaiters()
    {
        if (waiters > 0)
        {
            waitLock.lock();
            try
            {
                progress.signalAll();
            }
            finally
            {
                waitLock.unlock();
            }
        }
    }

    void fail(final Throwable cause)
    {
        if (failure == null)
        {
            failure = cause;
        }
        signalWaiters();
    }

    private void checkRecord(final DirectBuffer buffer, final int offset, final int length, final int type)
    {
        checkLength(length, maxRecordLength);
        checkType(type);
        buffer.boundsCheck(offset, length);
    }

    private void checkLength(final int length, final int limit)
    {
        if (length < 0 || length > limit)
        {
            throw new RecordTooLargeException(length, limit, limit == slotCapacity ?
                RingConfiguration.SLOT_CAPACITY_PROP_NAME + " (a claim takes one slot; publish takes up to " +
                maxRecordLength + " bytes)" :
                JournalConfiguration.MAX_RECORD_LENGTH_PROP_NAME + " (the journal's maxRecordLength is " +
                journal.appender().maxRecordLength() + ", the ring holds ringSize * slotCapacity=" +
                (long)ringBuffer.getBufferSize() * slotCapacity + " bytes)");
        }
    }

    private static void checkType(final int type)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("record type must be >= 0: type=" + type);
        }
    }

    private void checkUsable()
    {
        final Throwable cause = failure;
        if (cause != null)
        {
            throw new RingFailedException(directory, tickets.durableTicket(), cause);
        }
        if (closed)
        {
            throw new RingClosedException(directory);
        }
    }

    /**
     * Stop accepting records, drain every published record into the journal, force, stop the journaling thread and
     * close the journal; return only then.
     *
     * @throws RingFailedException when the journal had failed, so some published records are not durable.
     */
    public synchronized void close()
    {
        if (closeCompleted)
        {
            return;
        }
        closed = true;
        final long highest = singleProducer ? lastClaimed : ringBuffer.getCursor();
        int attempt = 0;
        while (processor.getSequence().get() < highest && journalingThread.isAlive())
        {
            WaitPolicy.SLEEPING.idle(attempt++);
        }
        processor.halt();
        try
        {
            journalingThread.join();
            if (forcing)
            {
                forcer.stop();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        closeCompleted = true;
        Throwable cause = failure;
        if (cause == null)
        {
            try
            {
                journal.appender().sync();
                tickets.acknowledge(highest, handler.lastSequence());
            }
            catch (final RuntimeException ex)
            {
                fail(ex);
                cause = ex;
            }
        }
        CloseHelper.quietClose(journal);
        signalWaiters();
        if (cause != null)
        {
            throw new RingFailedException(directory, tickets.durableTicket(), cause);
        }
    }

    private final class FailingExceptionHandler implements ExceptionHandler<RingSlot>
    {
        public void handleEventException(final Throwable ex, final long sequence, final RingSlot event)
        {
            fail(ex);
        }

        public void handleOnStartException(final Throwable ex)
        {
            fail(ex);
        }

        public void handleOnShutdownException(final Throwable ex)
        {
            fail(ex);
        }
    }
}
