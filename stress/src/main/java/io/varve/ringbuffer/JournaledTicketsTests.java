package io.varve.ringbuffer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * {@link JournaledTickets}, the table a producer reads its record's journal sequence from while the journaling
 * thread writes it: a one-writer seqlock per slot. A lookup of a ticket must give that ticket's sequence or -1,
 * never the sequence of another ticket that shares the slot.
 */
public final class JournaledTicketsTests
{
    private JournaledTicketsTests()
    {
    }

    /**
     * The journaling thread records ticket 0, then ticket 1 in the same slot (a ring of one), while a producer looks
     * ticket 0 up.
     */
    @JCStressTest
    @Outcome(id = "-1", expect = Expect.ACCEPTABLE, desc = "not recorded yet, or already overwritten")
    @Outcome(id = "100", expect = Expect.ACCEPTABLE, desc = "ticket 0's own sequence")
    @Outcome(expect = Expect.FORBIDDEN, desc = "another ticket's sequence, or a torn entry")
    @State
    public static class LookupWhileTheSlotIsReused
    {
        private final JournaledTickets tickets = new JournaledTickets(1);

        /**
         * The journaling thread.
         */
        @Actor
        public void journaling()
        {
            tickets.journaled(0, 100);
            tickets.journaled(1, 200);
        }

        /**
         * A producer asking where ticket 0 landed.
         *
         * @param result the sequence it was told.
         */
        @Actor
        public void producer(final J_Result result)
        {
            result.r1 = tickets.sequenceOf(0);
        }
    }
}
