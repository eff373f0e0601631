package io.varve.stress.jcstress;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.IndexDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.stress.jcstress.SegmentMemory.FIRST_FRAME;

/**
 * The frame publication protocol: the writer writes a frame's header and payload, then its checksum, then its length
 * last with a release store; a reader that loads a non-zero length with acquire semantics sees the whole frame, and
 * its CRC32C matches. Nothing else is allowed: a length seen with a frame that does not validate would be a tailer
 * delivering a torn record, or recovery calling a good frame corrupt.
 * <p>
 * Results are {@code (length seen, 1 when the frame validated)}; a length of 0 means "not committed yet", which a
 * reader answers by waiting.
 */
public final class FramePublicationTests
{
    private FramePublicationTests()
    {
    }

    /**
     * {@code Appender.append}: header, payload copied in, commit; against a tailer's poll.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "not committed yet: the reader waits")
    @Outcome(id = "72, 1", expect = Expect.ACCEPTABLE, desc = "whole frame seen, CRC32C and payload valid")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a length was seen with a torn frame")
    @State
    public static class Append
    {
        private final SegmentMemory segment = new SegmentMemory();

        /**
         * The appender's thread.
         */
        @Actor
        public void writer()
        {
            segment.append(FIRST_FRAME, 0, 40);
        }

        /**
         * A tailer's thread.
         *
         * @param result length seen, validity.
         */
        @Actor
        public void reader(final II_Result result)
        {
            final int length = segment.lengthAcquire(FIRST_FRAME);
            result.r1 = length;
            result.r2 = length != 0 && segment.isValid(FIRST_FRAME, length, 0) ? 1 : 0;
        }
    }

    /**
     * {@code Appender.claim}, the application filling the payload in place, {@code RecordClaim.commit}; against a
     * tailer's poll.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "not committed yet: the reader waits")
    @Outcome(id = "88, 1", expect = Expect.ACCEPTABLE, desc = "whole frame seen, CRC32C and payload valid")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a length was seen with a torn frame")
    @State
    public static class ClaimCommit
    {
        private final SegmentMemory segment = new SegmentMemory();

        /**
         * The appender's thread.
         */
        @Actor
        public void writer()
        {
            segment.appendByClaim(FIRST_FRAME, 0, 56);
        }

        /**
         * A tailer's thread.
         *
         * @param result length seen, validity.
         */
        @Actor
        public void reader(final II_Result result)
        {
            final int length = segment.lengthAcquire(FIRST_FRAME);
            result.r1 = length;
            result.r2 = length != 0 && segment.isValid(FIRST_FRAME, length, 0) ? 1 : 0;
        }
    }

    /**
     * The padding frame that ends a segment (its checksum covers its header only) against a tailer's poll.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "not committed yet: the reader waits")
    @Outcome(id = "192, 1", expect = Expect.ACCEPTABLE, desc = "valid padding to the end of the segment")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a padding length was seen with a torn header")
    @State
    public static class Padding
    {
        private final SegmentMemory segment = new SegmentMemory();

        /**
         * The appender's thread, rolling.
         */
        @Actor
        public void writer()
        {
            segment.appendPadding(FIRST_FRAME, 0);
        }

        /**
         * A tailer's thread.
         *
         * @param result length seen, validity.
         */
        @Actor
        public void reader(final II_Result result)
        {
            final int length = segment.lengthAcquire(FIRST_FRAME);
            result.r1 = length;
            result.r2 = length != 0 && segment.isValidPadding(FIRST_FRAME, length, 0) ? 1 : 0;
        }
    }

    /**
     * Two records in a row against a tailer walking frame by frame, as poll does.
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "nothing committed yet")
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "first record read, second not committed yet")
    @Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "both records read")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a committed record did not validate")
    @State
    public static class TwoRecords
    {
        private final SegmentMemory segment = new SegmentMemory();

        /**
         * The appender's thread.
         */
        @Actor
        public void writer()
        {
            final int next = segment.append(FIRST_FRAME, 0, 20);
            segment.append(next, 1, 44);
        }

        /**
         * A tailer's thread.
         *
         * @param result records read, 1 when all of them validated.
         */
        @Actor
        public void reader(final II_Result result)
        {
            int offset = FIRST_FRAME;
            int records = 0;
            int valid = 1;
            while (records < 2)
            {
                final int length = segment.lengthAcquire(offset);
                if (length == 0)
                {
                    break;
                }
                if (!segment.isValid(offset, length, records))
                {
                    valid = 0;
                    break;
                }
                offset += FrameDescriptor.alignedLength(length);
                records++;
            }
            result.r1 = records;
            result.r2 = valid;
        }
    }

    /**
     * A reader that looks at the second record before the first (a seek through the index lands on a later frame)
     * must find the first committed whenever the second is.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "second record not committed yet")
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "second committed, so the first is complete")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a later record was visible before an earlier one was complete")
    @State
    public static class LaterImpliesEarlier
    {
        private static final int FIRST_PAYLOAD = 24;
        private static final int SECOND = FIRST_FRAME + FrameDescriptor.alignedLength(HEADER_LENGTH + FIRST_PAYLOAD);

        private final SegmentMemory segment = new SegmentMemory();

        /**
         * The appender's thread.
         */
        @Actor
        public void writer()
        {
            segment.append(segment.append(FIRST_FRAME, 0, FIRST_PAYLOAD), 1, 8);
        }

        /**
         * A reader's thread.
         *
         * @param result 1 when the second was seen, 1 when the first then validated.
         */
        @Actor
        public void reader(final II_Result result)
        {
            final int second = segment.lengthAcquire(SECOND);
            if (second != 0)
            {
                result.r1 = 1;
                final int first = segment.lengthAcquire(FIRST_FRAME);
                result.r2 = first != 0 && segment.isValid(FIRST_FRAME, first, 0) &&
                    segment.isValid(SECOND, second, 1) ? 1 : 0;
            }
        }
    }

    /**
     * The sparse index: the appender commits a frame, then adds its index entry with the frame offset stored last.
     * A reader seeking through the index that sees an entry finds the entry's sequence and the committed frame.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "no entry yet: the seek scans from the start")
    @Outcome(id = "64, 5, 1", expect = Expect.ACCEPTABLE, desc = "entry and the frame it points to are complete")
    @Outcome(expect = Expect.FORBIDDEN, desc = "an index entry was seen before its fields or its frame")
    @State
    public static class IndexEntry
    {
        private final SegmentMemory segment = new SegmentMemory();
        private final UnsafeBuffer index = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));

        /**
         * The appender's thread.
         */
        @Actor
        public void writer()
        {
            segment.append(FIRST_FRAME, 5, 16);
            IndexDescriptor.putEntry(index, 0, 5, SegmentMemory.TIMESTAMP, FIRST_FRAME);
        }

        /**
         * A seeking tailer's thread.
         *
         * @param result frame offset in the entry, its sequence, 1 when the frame there validated.
         */
        @Actor
        public void reader(final III_Result result)
        {
            final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, 0);
            if (frameOffset != 0)
            {
                result.r1 = frameOffset;
                result.r2 = (int)IndexDescriptor.sequence(index, 0);
                final int length = segment.lengthAcquire(frameOffset);
                result.r3 = length != 0 && segment.isValid(frameOffset, length, 5) &&
                    IndexDescriptor.timestamp(index, 0) == SegmentMemory.TIMESTAMP ? 1 : 0;
            }
        }
    }
}
