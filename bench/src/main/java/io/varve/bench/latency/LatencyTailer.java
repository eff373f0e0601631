package io.varve.bench.latency;

/**
 * The reading side of a system under latency test, in the writer's process or another.
 * <p>
 * Threading: NOT threadsafe; one polling thread.
 */
public interface LatencyTailer extends AutoCloseable
{
    /**
     * Deliver what is new.
     *
     * @param listener receives each message.
     * @return messages delivered.
     */
    int poll(LatencyListener listener);

    /**
     * Close the tailer.
     */
    void close();
}
