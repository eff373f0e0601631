package io.varve.stress.jcstress;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.write.JournalFailure;
import org.agrona.BufferUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

import static io.varve.stress.jcstress.SegmentMemory.FIRST_FRAME;

/**
 * The journal's counters in {@code journal.meta}, which the writer's threads publish and any process reads without
 * locks ({@code varve stat}, the background thread's session counters, monitoring).
 */
public final class CountersTests
{
    private static final long FIRST_END = 136;
    private static final long BEFORE_4_GIB = 0xFFFF_FFC0L;
    private static final long AFTER_4_GIB = 0x1_0000_0040L;

    private CountersTests()
    {
    }

    /**
     * {@code Appender.publish} stores the writer position, then the next sequence; {@code SessionCounters} reads the
     * next sequence, then the writer position. So a reader never counts a record whose bytes it does not count.
     */
    @JCStressTest
    @Outcome(id = "0, 64", expect = Expect.ACCEPTABLE, desc = "nothing published yet")
    @Outcome(id = "0, 136", expect = Expect.ACCEPTABLE, desc = "position published, sequence not yet")
    @Outcome(id = "1, 136", expect = Expect.ACCEPTABLE, desc = "both published")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a record counted before its bytes")
    @State
    public static class PositionBeforeSequence
    {
        private final MetadataMemory metadata = new MetadataMemory(FIRST_FRAME);

        /**
         * The appender's thread.
         */
        @Actor
        public void appender()
        {
            metadata.writerPosition().setRelease(FIRST_END);
            metadata.nextSequence().setRelease(1);
        }

        /**
         * A reader's thread, in the order {@code SessionCounters.update} reads.
         *
         * @param result next sequence, writer position.
         */
        @Actor
        public void reader(final JJ_Result result)
        {
            result.r1 = metadata.nextSequence().getAcquire();
            result.r2 = metadata.writerPosition().getAcquire();
        }
    }

    /**
     * Positions pass 4 GiB early in a journal's life: a reader sees the old or the new 64-bit value, never half of
     * each.
     */
    @JCStressTest
    @Outcome(id = "4294967232", expect = Expect.ACCEPTABLE, desc = "the old position")
    @Outcome(id = "4294967360", expect = Expect.ACCEPTABLE, desc = "the new position")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a torn 64-bit counter")
    @State
    public static class NoTornValue
    {
        private final MetadataMemory metadata = new MetadataMemory(BEFORE_4_GIB);

        /**
         * The appender's thread.
         */
        @Actor
        public void appender()
        {
            metadata.writerPosition().setRelease(AFTER_4_GIB);
        }

        /**
         * A reader's thread.
         *
         * @param result the position read.
         */
        @Actor
        public void reader(final J_Result result)
        {
            result.r1 = metadata.writerPosition().getAcquire();
        }
    }

    /**
     * Errors are recorded from the appender's thread and the background thread at once ({@code JournalFailure}):
     * the errors counter counts both and the error log holds both.
     */
    @JCStressTest
    @Outcome(id = "2, 2", expect = Expect.ACCEPTABLE, desc = "both errors counted and logged")
    @Outcome(expect = Expect.FORBIDDEN, desc = "an error lost from the counter or the log")
    @State
    public static class ErrorsFromTwoThreads
    {
        private static final RuntimeException APPENDER_ERROR = new IllegalStateException("appender");
        private static final RuntimeException BACKGROUND_ERROR = new IllegalArgumentException("background");

        private final UnsafeBuffer log = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8192, 64));
        private final AtomicCounter errors = new AtomicCounter(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersReader.COUNTER_LENGTH * 16, 64)),
            JournalCounter.ERRORS.id());
        private final JournalFailure failure = new JournalFailure(
            "jcstress", new DistinctErrorLog(log, SystemEpochClock.INSTANCE), errors);

        /**
         * The appender's thread.
         */
        @Actor
        public void appender()
        {
            failure.record(APPENDER_ERROR);
        }

        /**
         * The background thread.
         */
        @Actor
        public void background()
        {
            failure.record(BACKGROUND_ERROR);
        }

        /**
         * After both.
         *
         * @param result the errors counter, the distinct errors in the log.
         */
        @Arbiter
        public void arbiter(final II_Result result)
        {
            result.r1 = (int)errors.get();
            result.r2 = ErrorLogReader.read(log, (count, first, last, encoded) -> {});
        }
    }
}
