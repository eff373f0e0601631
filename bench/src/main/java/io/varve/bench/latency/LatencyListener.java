package io.varve.bench.latency;

/**
 * Receives the two fields of a latency message from a {@link LatencyTailer}.
 * <p>
 * Threading: called on the polling thread.
 */
@FunctionalInterface
public interface LatencyListener
{
    /**
     * One message.
     *
     * @param intendedNanos {@code System.nanoTime()} at which the writer meant to send it.
     * @param phase         {@link LatencyJournal#WARMUP}, {@link LatencyJournal#MEASURED} or
     *                      {@link LatencyJournal#END}.
     */
    void onMessage(long intendedNanos, long phase);
}
