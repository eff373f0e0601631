package io.varve.stress.jcstress;

import io.varve.journal.format.FrameDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.J_Result;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.stress.jcstress.SegmentMemory.FIRST_FRAME;

/**
 * Durable-position publication. The appender commits frames and publishes the writer position; a syncer (the
 * appender's thread in {@code sync()}, or the background thread under a periodic policy) forces up to the writer
 * position, writes a durable slot, then publishes the durable-position counter with a release store. Three
 * promises follow, one test each:
 * <ul>
 *     <li>a syncer that reads the writer position finds every frame below it complete, so a force never makes half
 *     a frame durable;</li>
 *     <li>a reader of the durable-position counter finds a durable slot at least as far on, so no process is told
 *     of durability that a crash could take back;</li>
 *     <li>a reader of the two slots always finds a valid one while they are being rewritten.</li>
 * </ul>
 */
public final class DurablePositionTests
{
    private static final int PAYLOAD = 40;
    private static final int FIRST_END = FIRST_FRAME + FrameDescriptor.alignedLength(HEADER_LENGTH + PAYLOAD);
    private static final int SECOND_END = FIRST_END + FrameDescriptor.alignedLength(HEADER_LENGTH + PAYLOAD);

    private DurablePositionTests()
    {
    }

    /**
     * The appender against a periodic syncer.
     */
    @JCStressTest
    @Outcome(id = "64, 1", expect = Expect.ACCEPTABLE, desc = "nothing appended yet: nothing to force")
    @Outcome(id = "136, 1", expect = Expect.ACCEPTABLE, desc = "the frame below the writer position is complete")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the writer position covered a frame that was not complete")
    @State
    public static class SyncCoversCommittedFrames
    {
        private final SegmentMemory segment = new SegmentMemory();
        private final MetadataMemory metadata = new MetadataMemory(FIRST_FRAME);

        /**
         * The appender's thread: commit, then publish the writer position as {@code Appender.publish} does.
         */
        @Actor
        public void appender()
        {
            final int end = segment.append(FIRST_FRAME, 0, PAYLOAD);
            metadata.writerPosition().setRelease(end);
            metadata.nextSequence().setRelease(1);
        }

        /**
         * The background thread: read the writer position with acquire semantics as {@code SegmentPreparer} does,
         * check what a force would now make durable, and record it.
         *
         * @param result target read, 1 when every frame below it validated.
         */
        @Actor
        public void syncer(final II_Result result)
        {
            final long target = metadata.writerPosition().getAcquire();
            result.r1 = (int)target;
            result.r2 = 1;
            if (target > FIRST_FRAME)
            {
                final int length = segment.lengthAcquire(FIRST_FRAME);
                final boolean complete = length != 0 && FIRST_FRAME + FrameDescriptor.alignedLength(length) == target &&
                    segment.isValid(FIRST_FRAME, length, 0);
                result.r2 = complete ? 1 : 0;
                metadata.storeDurablePosition(target);
            }
        }
    }

    /**
     * A syncer recording a new durable position against a monitor (say {@code varve stat} in another process)
     * reading the counter, then the slots.
     */
    @JCStressTest
    @Outcome(id = "64, 64", expect = Expect.ACCEPTABLE, desc = "nothing new recorded yet")
    @Outcome(id = "64, 136", expect = Expect.ACCEPTABLE, desc = "slot written, counter not published yet")
    @Outcome(id = "136, 136", expect = Expect.ACCEPTABLE, desc = "slot and counter both moved")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the counter claimed a durable position no slot records")
    @State
    public static class CounterAfterSlot
    {
        private final MetadataMemory metadata = new MetadataMemory(FIRST_FRAME);

        /**
         * The syncing thread, after its force returned.
         */
        @Actor
        public void syncer()
        {
            metadata.storeDurablePosition(FIRST_END);
        }

        /**
         * A monitor's thread.
         *
         * @param result the counter, then the position in the newest valid slot.
         */
        @Actor
        public void monitor(final II_Result result)
        {
            result.r1 = (int)metadata.durablePosition().getAcquire();
            result.r2 = (int)metadata.positionFromSlots();
        }
    }

    /**
     * Two syncs in a row rewrite both slots; a reader of the slots meanwhile (recovery after a crash at that
     * instant reads the same bytes) always finds one that is valid.
     */
    @JCStressTest
    @Outcome(id = "64", expect = Expect.ACCEPTABLE, desc = "the first position")
    @Outcome(id = "136", expect = Expect.ACCEPTABLE, desc = "the second position")
    @Outcome(id = "208", expect = Expect.ACCEPTABLE, desc = "the third position")
    @Outcome(expect = Expect.FORBIDDEN, desc = "no valid slot, or a position never recorded")
    @State
    public static class SlotsAlwaysValid
    {
        private final MetadataMemory metadata = new MetadataMemory(FIRST_FRAME);

        /**
         * The syncing thread, two syncs.
         */
        @Actor
        public void syncer()
        {
            metadata.storeDurablePosition(FIRST_END);
            metadata.storeDurablePosition(SECOND_END);
        }

        /**
         * A reader's thread.
         *
         * @param result the position in the newest valid slot, or -1.
         */
        @Actor
        public void reader(final J_Result result)
        {
            result.r1 = metadata.positionFromSlots();
        }
    }
}
