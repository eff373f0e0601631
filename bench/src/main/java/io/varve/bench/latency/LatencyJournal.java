package io.varve.bench.latency;

/**
 * The writing side of a system under latency test: writes one message of a fixed size whose first 16 bytes are
 * the intended send time and the phase, each system through its zero-copy API (Varve claim/commit, Chronicle
 * Queue's writing document).
 * <p>
 * Threading: NOT threadsafe; one writer thread.
 */
public interface LatencyJournal extends AutoCloseable
{
    /** Phase of messages sent while the code warms up; not recorded. */
    long WARMUP = 0;
    /** Phase of measured messages. */
    long MEASURED = 1;
    /** Phase of the last message, which tells a tailer to stop. */
    long END = 2;
    /** Offset of the intended send time in a message. */
    int INTENDED_OFFSET = 0;
    /** Offset of the phase in a message. */
    int PHASE_OFFSET = 8;

    /**
     * Write one message.
     *
     * @param intendedNanos {@code System.nanoTime()} at which it was meant to be sent.
     * @param phase         of the run.
     */
    void write(long intendedNanos, long phase);

    /**
     * Close the journal.
     */
    void close();
}
