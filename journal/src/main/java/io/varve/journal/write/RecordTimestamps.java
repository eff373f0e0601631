package io.varve.journal.write;

import org.agrona.concurrent.EpochNanoClock;

/**
 * Where record timestamps come from. Reading the clock costs about 24 ns on the machines Varve is measured on,
 * as much as the rest of an append, so by default the appender reads it at most once every
 * {@link #RECORDS_PER_READ} records, and again whenever the background thread's tick (about once a millisecond)
 * has moved since the last read. A timestamp is therefore never later than the append and at most 16 records or
 * one tick earlier; timestamps never go backwards. {@code JournalContext.exactTimestamps(true)} reads the clock
 * for every record.
 * <p>
 * Threading: {@link #next()} on the appender's thread; {@link #tick()} on the background thread.
 */
public final class RecordTimestamps
{
    /** Records that may share one reading of the clock. */
    public static final int RECORDS_PER_READ = 16;

    private final EpochNanoClock clock;
    private final boolean exact;
    private volatile long tick;
    private long seenTick = -1;
    private long cached;
    private int remaining;

    /**
     * Timestamps from a clock.
     *
     * @param clock epoch nanos.
     * @param exact true to read the clock for every record.
     */
    public RecordTimestamps(final EpochNanoClock clock, final boolean exact)
    {
        this.clock = clock;
        this.exact = exact;
    }

    /**
     * Timestamp for the next record.
     *
     * @return epoch nanos.
     */
    public long next()
    {
        if (exact)
        {
            return clock.nanoTime();
        }
        final long currentTick = tick;
        if (--remaining < 0 || currentTick != seenTick)
        {
            seenTick = currentTick;
            remaining = RECORDS_PER_READ - 1;
            cached = clock.nanoTime();
        }
        return cached;
    }

    /**
     * Let time move: the next record reads the clock. Called by the background thread about once a millisecond.
     */
    public void tick()
    {
        tick = tick + 1;
    }
}
