package io.varve.ringbuffer;

import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import org.agrona.BitUtil;

import java.util.concurrent.ThreadFactory;

/**
 * Settings of a {@link JournalRing}, with fluent setters; defaults from {@link RingConfiguration}.
 * {@link #conclude()} checks them once, when the ring starts.
 * <pre>{@code
 * try (JournalRing ring = JournalRing.start(new RingContext()
 *     .journalContext(new JournalContext().directory(dir).fsyncPolicy(FsyncPolicy.BATCH))
 *     .ringSize(16384)
 *     .slotCapacity(512)))
 * {
 *     final long ticket = ring.publish(buffer, 0, length, ORDER_TYPE);
 *     ring.awaitDurable(ticket, 1, TimeUnit.SECONDS);
 * }
 * }</pre>
 * Threading: NOT threadsafe; configure on one thread.
 */
public final class RingContext
{
    private boolean isConcluded;
    private JournalContext journalContext;
    private int ringSize = RingConfiguration.ringSize();
    private int slotCapacity = RingConfiguration.slotCapacity();
    private boolean multiProducer = RingConfiguration.multiProducer();
    private WaitPolicy journalingWait = RingConfiguration.journalingWait();
    private WaitPolicy producerWait = RingConfiguration.producerWait();
    private int maxBatchBytes = RingConfiguration.maxBatchBytes();
    private long maxBatchWaitMicros = RingConfiguration.maxBatchWaitMicros();
    private ThreadFactory threadFactory;
    private RingDurableListener durableListener;

    /**
     * Settings with the defaults of {@link RingConfiguration}, which system properties may change.
     */
    public RingContext()
    {
    }

    /**
     * Check every setting; called by {@link JournalRing#start(RingContext)}.
     *
     * @return this.
     */
    public RingContext conclude()
    {
        if (isConcluded)
        {
            throw new JournalConfigurationException("RingContext already concluded; use a new one per ring");
        }
        isConcluded = true;
        if (journalContext == null)
        {
            throw new JournalConfigurationException("journalContext must be set: journalContext=null");
        }
        if (ringSize < 2 || !BitUtil.isPowerOfTwo(ringSize))
        {
            throw new JournalConfigurationException("ringSize must be a power of two >= 2: ringSize=" + ringSize);
        }
        if (slotCapacity < 8 || slotCapacity > 64 * 1024 * 1024)
        {
            throw new JournalConfigurationException(
                "slotCapacity must be in [8, 64 MiB]: slotCapacity=" + slotCapacity);
        }
        slotCapacity = BitUtil.align(slotCapacity, BitUtil.CACHE_LINE_LENGTH);
        if ((long)ringSize * slotCapacity > Integer.MAX_VALUE)
        {
            throw new JournalConfigurationException("ringSize * slotCapacity must fit in 2 GiB: ringSize=" + ringSize +
                " slotCapacity=" + slotCapacity);
        }
        if (maxBatchBytes < 1 || maxBatchWaitMicros < 1)
        {
            throw new JournalConfigurationException("maxBatchBytes and maxBatchWaitMicros must be >= 1: " +
                "maxBatchBytes=" + maxBatchBytes + " maxBatchWaitMicros=" + maxBatchWaitMicros);
        }
        if (threadFactory == null)
        {
            threadFactory = Thread::new;
        }
        return this;
    }

    /**
     * The journal the ring writes to; the ring opens it, and closes it when the ring closes.
     *
     * @param journalContext settings of the journal.
     * @return this.
     */
    public RingContext journalContext(final JournalContext journalContext)
    {
        this.journalContext = journalContext;
        return this;
    }

    /**
     * The journal's settings.
     *
     * @return the journal context.
     */
    public JournalContext journalContext()
    {
        return journalContext;
    }

    /**
     * Slots in the ring, a power of two.
     *
     * @param ringSize slots.
     * @return this.
     */
    public RingContext ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    /**
     * Slots in the ring.
     *
     * @return slots.
     */
    public int ringSize()
    {
        return ringSize;
    }

    /**
     * Bytes per slot: the largest record a claim takes, and what a published record takes per slot (a longer one
     * takes several consecutive slots); rounded up to a multiple of 64 so producers writing
     * neighbouring slots never share a cache line.
     *
     * @param slotCapacity bytes.
     * @return this.
     */
    public RingContext slotCapacity(final int slotCapacity)
    {
        this.slotCapacity = slotCapacity;
        return this;
    }

    /**
     * Bytes per slot.
     *
     * @return bytes.
     */
    public int slotCapacity()
    {
        return slotCapacity;
    }

    /**
     * Many producer threads ({@code true}, a multi-producer Disruptor sequencer) or exactly one ({@code false},
     * faster, and publishing from a second thread would corrupt the ring).
     *
     * @param multiProducer the mode.
     * @return this.
     */
    public RingContext multiProducer(final boolean multiProducer)
    {
        this.multiProducer = multiProducer;
        return this;
    }

    /**
     * Whether many threads publish.
     *
     * @return the mode.
     */
    public boolean multiProducer()
    {
        return multiProducer;
    }

    /**
     * How the journaling thread waits for records.
     *
     * @param journalingWait the policy.
     * @return this.
     */
    public RingContext journalingWait(final WaitPolicy journalingWait)
    {
        this.journalingWait = journalingWait;
        return this;
    }

    /**
     * How the journaling thread waits for records.
     *
     * @return the policy.
     */
    public WaitPolicy journalingWait()
    {
        return journalingWait;
    }

    /**
     * How producers wait for room in a full ring and for durability.
     *
     * @param producerWait the policy.
     * @return this.
     */
    public RingContext producerWait(final WaitPolicy producerWait)
    {
        this.producerWait = producerWait;
        return this;
    }

    /**
     * How producers wait.
     *
     * @return the policy.
     */
    public WaitPolicy producerWait()
    {
        return producerWait;
    }

    /**
     * Group commit: force once this many bytes wait, even in the middle of a batch.
     *
     * @param maxBatchBytes bytes.
     * @return this.
     */
    public RingContext maxBatchBytes(final int maxBatchBytes)
    {
        this.maxBatchBytes = maxBatchBytes;
        return this;
    }

    /**
     * Group commit byte bound.
     *
     * @return bytes.
     */
    public int maxBatchBytes()
    {
        return maxBatchBytes;
    }

    /**
     * Group commit: force once the oldest waiting record has waited this long.
     *
     * @param maxBatchWaitMicros microseconds.
     * @return this.
     */
    public RingContext maxBatchWaitMicros(final long maxBatchWaitMicros)
    {
        this.maxBatchWaitMicros = maxBatchWaitMicros;
        return this;
    }

    /**
     * Group commit time bound.
     *
     * @return microseconds.
     */
    public long maxBatchWaitMicros()
    {
        return maxBatchWaitMicros;
    }

    /**
     * Factory of the journaling thread, e.g. one that pins it to a core.
     *
     * @param threadFactory the factory.
     * @return this.
     */
    public RingContext threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    /**
     * Factory of the journaling thread.
     *
     * @return the factory.
     */
    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * Told each time records become durable.
     *
     * @param durableListener the listener, or null.
     * @return this.
     */
    public RingContext durableListener(final RingDurableListener durableListener)
    {
        this.durableListener = durableListener;
        return this;
    }

    /**
     * Told each time records become durable.
     *
     * @return the listener, or null.
     */
    public RingDurableListener durableListener()
    {
        return durableListener;
    }
}
