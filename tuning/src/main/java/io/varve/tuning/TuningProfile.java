package io.varve.tuning;

import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import io.varve.ringbuffer.RingConfiguration;
import io.varve.ringbuffer.RingContext;
import io.varve.ringbuffer.WaitPolicy;

import java.util.List;

/**
 * Ready-made settings for three kinds of deployment, applied to the contexts before they are used:
 * <pre>{@code
 * final RingContext ring = TuningProfile.LOW_LATENCY.apply(new RingContext()
 *     .journalContext(TuningProfile.LOW_LATENCY.apply(new JournalContext().directory(dir))));
 * }</pre>
 * <table>
 *     <caption>What each profile sets</caption>
 *     <tr><th>setting</th><th>LOW_LATENCY</th><th>BALANCED</th><th>THROUGHPUT</th></tr>
 *     <tr><td>journaling thread wait</td><td>BUSY_SPIN</td><td>SLEEPING</td><td>SLEEPING</td></tr>
 *     <tr><td>producer wait (full ring, durability)</td><td>BUSY_SPIN</td><td>SLEEPING</td><td>SLEEPING</td></tr>
 *     <tr><td>ring size</td><td>16384</td><td>65536</td><td>262144</td></tr>
 *     <tr><td>group commit bound</td><td>64 KiB / 100 us</td><td>1 MiB / 2 ms</td><td>8 MiB / 10 ms</td></tr>
 *     <tr><td>segment length</td><td>64 MiB</td><td>64 MiB</td><td>256 MiB</td></tr>
 *     <tr><td>pre-touch next segment</td><td>on</td><td>on</td><td>on</td></tr>
 *     <tr><td>write mode</td><td>MAPPED</td><td>MAPPED</td><td>POSITIONAL</td></tr>
 * </table>
 * The write mode follows the measurements in {@code docs/BENCHMARKS.md}: {@link WriteMode#MAPPED} publishes every
 * record to tailers with one store and no system call, the lowest latency and the fastest direct append;
 * {@link WriteMode#POSITIONAL} writes whole batches with one {@code pwrite} and forces without a TLB shootdown, the
 * most records acknowledged durable per second through the ring.
 * LOW_LATENCY busy-spins two threads: use it only with a core for each (isolated cores, see
 * {@link ThreadPinning}); on a small host it is slower than BALANCED. Each profile also gives
 * {@link #advice()} about what it cannot set from inside the JVM.
 * <p>
 * Threading: immutable.
 */
public enum TuningProfile
{
    /** Busy-spinning, small batches: lowest latency, a core per spinning thread. */
    LOW_LATENCY(WaitPolicy.BUSY_SPIN, 16384, 64 * 1024, 100, 64 * 1024 * 1024, WriteMode.MAPPED, List.of(
        "pin the journaling thread and tailers to isolated cores: isolcpus=N nohz_full=N rcu_nocbs=N",
        "set the CPU frequency governor to performance",
        "run the JVM with -XX:+AlwaysPreTouch and, for the heap, -XX:+UseTransparentHugePages " +
            "(mapped journal files use the page cache and do not get huge pages)",
        "keep vm.swappiness low (1) and bound dirty page writeback: vm.dirty_background_bytes=268435456")),
    /** The defaults: sleeping waits, moderate batches. */
    BALANCED(WaitPolicy.SLEEPING, RingConfiguration.RING_SIZE_DEFAULT, RingConfiguration.MAX_BATCH_BYTES_DEFAULT,
        RingConfiguration.MAX_BATCH_WAIT_MICROS_DEFAULT, JournalConfiguration.SEGMENT_LENGTH_DEFAULT, WriteMode.MAPPED,
        List.of(
        "nothing required; see 'varve tune check' for the host")),
    /** Large rings, batches and segments: most records per second and per fsync, at some latency. */
    THROUGHPUT(WaitPolicy.SLEEPING, 262144, 8 * 1024 * 1024, 10_000, 256 * 1024 * 1024, WriteMode.POSITIONAL,
        List.of(
        "give the journal its own disk or file system: group commit is bound by fsync latency",
        "raise vm.dirty_background_bytes so writeback runs steadily rather than in bursts"));

    private final WaitPolicy wait;
    private final int ringSize;
    private final int maxBatchBytes;
    private final long maxBatchWaitMicros;
    private final int segmentLength;
    private final WriteMode writeMode;
    private final List<String> advice;

    TuningProfile(
        final WaitPolicy wait,
        final int ringSize,
        final int maxBatchBytes,
        final long maxBatchWaitMicros,
        final int segmentLength,
        final WriteMode writeMode,
        final List<String> advice)
    {
        this.wait = wait;
        this.ringSize = ringSize;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchWaitMicros = maxBatchWaitMicros;
        this.segmentLength = segmentLength;
        this.writeMode = writeMode;
        this.advice = advice;
    }

    /**
     * Apply the profile's journal settings: segment length of a new journal, pre-touch and write mode.
     *
     * @param context to change.
     * @return the same context.
     */
    public JournalContext apply(final JournalContext context)
    {
        return context.segmentLength(segmentLength).preTouch(true).writeMode(writeMode);
    }

    /**
     * Apply the profile's ring settings: waits, ring size and group commit bounds.
     *
     * @param context to change.
     * @return the same context.
     */
    public RingContext apply(final RingContext context)
    {
        return context
            .journalingWait(wait)
            .producerWait(wait)
            .ringSize(ringSize)
            .maxBatchBytes(maxBatchBytes)
            .maxBatchWaitMicros(maxBatchWaitMicros);
    }

    /**
     * What the profile recommends that it cannot set from inside the JVM.
     *
     * @return the advice, one line each.
     */
    public List<String> advice()
    {
        return advice;
    }

    /**
     * Write mode the profile sets.
     *
     * @return the mode.
     */
    public WriteMode writeMode()
    {
        return writeMode;
    }

    /**
     * Segment length the profile sets.
     *
     * @return bytes.
     */
    public int segmentLength()
    {
        return segmentLength;
    }
}
