package io.varve.ringbuffer;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits: the journaling thread for producers (the Disruptor wait strategy), and a producer for room in
 * a full ring or for its record to become durable.
 * <ul>
 *     <li>{@link #BUSY_SPIN}: lowest latency, burns a core per waiting thread. For isolated cores only.</li>
 *     <li>{@link #YIELDING}: spins, then yields; good when threads are fewer than cores.</li>
 *     <li>{@link #SLEEPING}: spins, yields, then parks for growing intervals up to 100 µs; gentle on shared hosts.</li>
 *     <li>{@link #BLOCKING}: a lock and condition; cheapest on CPU, slowest to wake.</li>
 * </ul>
 * Threading: immutable.
 */
public enum WaitPolicy
{
    /** Spin with {@link Thread#onSpinWait()}. */
    BUSY_SPIN,
    /** Spin, then {@link Thread#yield()}. */
    YIELDING,
    /** Spin, yield, then park for growing intervals. */
    SLEEPING,
    /** Wait on a condition that the other side signals. */
    BLOCKING;

    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    /**
     * The Disruptor wait strategy the journaling thread uses to wait for producers.
     *
     * @return a new wait strategy.
     */
    WaitStrategy newWaitStrategy()
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case YIELDING:
                return new YieldingWaitStrategy();
            case SLEEPING:
                return new SleepingWaitStrategy();
            default:
                return new BlockingWaitStrategy();
        }
    }

    /**
     * One step of a producer's wait, without allocating: spin, yield or park depending on the policy and on how
     * long the wait has lasted. {@link #BLOCKING} waits are done by the ring's condition, not here.
     *
     * @param attempt how many times this wait has already idled, from 0.
     */
    void idle(final int attempt)
    {
        if (this == BUSY_SPIN || attempt < SPINS)
        {
            Thread.onSpinWait();
        }
        else if (this == YIELDING || attempt < SPINS + YIELDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1000L << Math.min(attempt - SPINS - YIELDS, 7)));
        }
    }
}
