package io.varve.stress.jcstress;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.stress.jcstress.SegmentMemory.FIRST_FRAME;
import static io.varve.stress.jcstress.SegmentMemory.JOURNAL_ID;
import static io.varve.stress.jcstress.SegmentMemory.LENGTH;

/**
 * The segment roll hand-off, as {@code Appender.roll} does it: a padding frame ends the full segment, then the next
 * segment's header is written with its magic last (a release store), then the first record goes into the next
 * segment. A tailer follows: it sees the padding, waits until the next segment's magic is set, checks that header,
 * and reads on. Whatever stage a reader reaches, everything before it is complete and valid.
 * <p>
 * Each state starts with a segment holding one record (sequence 0) whose padding is the next thing to write.
 */
public final class SegmentRollTests
{
    private static final int FIRST_PAYLOAD = 40;
    private static final int TAIL = FIRST_FRAME + FrameDescriptor.alignedLength(HEADER_LENGTH + FIRST_PAYLOAD);

    private SegmentRollTests()
    {
    }

    /**
     * Two segments: the sealed one holding record 0, and the next one, allocated (zero) but not started.
     */
    static final class Roll
    {
        final SegmentMemory sealed = new SegmentMemory();
        final SegmentMemory next = new SegmentMemory();

        Roll()
        {
            sealed.writeHeader(0, 0);
            sealed.append(FIRST_FRAME, 0, FIRST_PAYLOAD);
        }

        void roll()
        {
            sealed.appendPadding(TAIL, 1);
            next.writeHeader(LENGTH, 1);
            next.append(FIRST_FRAME, 1, 24);
        }

        boolean isNextHeaderValid()
        {
            return SegmentDescriptor.validateHeader(next.buffer(), LENGTH, LENGTH, JOURNAL_ID) == null &&
                SegmentDescriptor.baseSequence(next.buffer()) == 1;
        }
    }

    /**
     * A tailer following the roll in order: padding, next segment's magic, its header, its first record.
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "padding not committed yet: the tailer waits")
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "padding read, next segment not started: it waits")
    @Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "next segment started with a valid header, empty")
    @Outcome(id = "3, 1", expect = Expect.ACCEPTABLE, desc = "first record of the next segment read, valid")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a stage was visible before what precedes it was complete")
    @State
    public static class FollowRoll
    {
        private final Roll roll = new Roll();

        /**
         * The appender's thread, rolling and appending.
         */
        @Actor
        public void writer()
        {
            roll.roll();
        }

        /**
         * A tailer's thread.
         *
         * @param result stage reached (0 to 3), 1 when everything seen was valid.
         */
        @Actor
        public void reader(final II_Result result)
        {
            result.r2 = 1;
            final int padding = roll.sealed.lengthAcquire(TAIL);
            if (padding == 0)
            {
                return;
            }
            result.r1 = 1;
            if (!roll.sealed.isValidPadding(TAIL, padding, 1))
            {
                result.r2 = 0;
                return;
            }
            if (SegmentDescriptor.magicVolatile(roll.next.buffer()) == 0)
            {
                return;
            }
            result.r1 = 2;
            if (!roll.isNextHeaderValid())
            {
                result.r2 = 0;
                return;
            }
            final int first = roll.next.lengthAcquire(FIRST_FRAME);
            if (first != 0)
            {
                result.r1 = 3;
                result.r2 = roll.next.isValid(FIRST_FRAME, first, 1) ? 1 : 0;
            }
        }
    }

    /**
     * A reader that finds the next segment started (listing segments, or a tailer seeking to the end) must find
     * the previous one sealed with its padding.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "next segment not started yet")
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "next segment started and the previous one is sealed")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a started segment was seen before the previous one was sealed")
    @State
    public static class StartedImpliesSealed
    {
        private final Roll roll = new Roll();

        /**
         * The appender's thread, rolling.
         */
        @Actor
        public void writer()
        {
            roll.roll();
        }

        /**
         * A reader's thread.
         *
         * @param result 1 when the next segment was started, 1 when its header and the padding then validated.
         */
        @Actor
        public void reader(final II_Result result)
        {
            if (SegmentDescriptor.magicVolatile(roll.next.buffer()) != 0)
            {
                result.r1 = 1;
                final int padding = roll.sealed.lengthAcquire(TAIL);
                result.r2 = roll.isNextHeaderValid() && padding != 0 &&
                    roll.sealed.isValidPadding(TAIL, padding, 1) ? 1 : 0;
            }
        }
    }
}
