package io.varve.bench.jmh;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Small reads of a Chronicle queue's state that several benchmarks need.
 * <p>
 * Threading: static methods, no state.
 */
final class ChronicleQueues
{
    private ChronicleQueues()
    {
    }

    /**
     * Records appended to the queue's current cycle, an estimate of what a run wrote.
     *
     * @param queue    the queue.
     * @param appender its appender.
     * @return records, 0 when none.
     */
    static long recordsAppended(final SingleChronicleQueue queue, final ExcerptAppender appender)
    {
        try
        {
            return queue.rollCycle().toSequenceNumber(appender.lastIndexAppended()) + 1;
        }
        catch (final IllegalStateException ex)
        {
            return 0;
        }
    }
}
