package io.varve.stress.jcstress;

import io.varve.journal.VarveException;
import io.varve.journal.format.TailerTableDescriptor;
import io.varve.journal.read.TailerPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.util.concurrent.atomic.AtomicLong;

import static io.varve.stress.jcstress.SegmentMemory.FIRST_FRAME;

/**
 * Named tailers' slots in the tailer table of {@code journal.meta}, through {@link TailerPosition} itself on a table
 * in memory. Each state uses its own table and its own journal key, so states never share an owner registration.
 */
public final class TailerPositionTests
{
    private static final String NAME = "risk-engine";
    private static final long STORED_POSITION = 4242;
    private static final AtomicLong JOURNALS = new AtomicLong();

    private TailerPositionTests()
    {
    }

    private static UnsafeBuffer newTable()
    {
        return new UnsafeBuffer(new byte[TailerTableDescriptor.MAX_TAILERS * TailerTableDescriptor.SLOT_LENGTH]);
    }

    private static String newJournalKey()
    {
        return "jcstress-" + JOURNALS.incrementAndGet();
    }

    /**
     * A tailer stores its position after handling a record (sequence first, then the position with a release
     * store); a reader of the slot (a restart of the tailer, {@code varve stat}) never sees the position ahead of
     * the sequence it goes with.
     */
    @JCStressTest
    @Outcome(id = "64, 0", expect = Expect.ACCEPTABLE, desc = "nothing stored yet")
    @Outcome(id = "64, 5", expect = Expect.ACCEPTABLE, desc = "sequence stored, position not yet")
    @Outcome(id = "200, 5", expect = Expect.ACCEPTABLE, desc = "both stored")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the position was seen ahead of its sequence")
    @State
    public static class Store
    {
        private final TailerPosition position = TailerPosition.claim(newTable(), NAME, newJournalKey(), FIRST_FRAME, 0);

        /**
         * The tailer's thread.
         */
        @Actor
        public void tailer()
        {
            position.store(200, 5);
        }

        /**
         * A reader's thread: the position with acquire semantics, then the sequence.
         *
         * @param result position, sequence.
         */
        @Actor
        public void reader(final JJ_Result result)
        {
            result.r1 = position.position();
            result.r2 = position.sequence();
        }

        /**
         * Give the name back.
         */
        @Arbiter
        public void arbiter()
        {
            position.close();
        }
    }

    /**
     * Two processes open a named tailer of the same new name at the same moment. The name must end up in one slot,
     * owned by one of them; two slots holding one name would let two tailers of that name run, each keeping its own
     * position, and a restart would resume from only one of them. Two journal keys stand in for two processes. Both
     * run under this process's PID, so the second may find the slot already owned by "itself" and be let in: that
     * is fine as long as both use the one slot.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "one slot holds the name; one claimer owns it")
    @Outcome(id = "1, 2, 1", expect = Expect.ACCEPTABLE, desc = "one slot holds the name; both use it (one PID)")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the name is in two slots, or in none")
    @State
    public static class ClaimRace
    {
        private final UnsafeBuffer table = newTable();
        private final String journalA = newJournalKey();
        private final String journalB = newJournalKey();
        private TailerPosition first;
        private TailerPosition second;

        /**
         * One process.
         */
        @Actor
        public void first()
        {
            first = claimOrNull(table, journalA);
        }

        /**
         * The other process.
         */
        @Actor
        public void second()
        {
            second = claimOrNull(table, journalB);
        }

        /**
         * After both: how many active slots hold the name, how many claimers got it, and whether they share a
         * slot.
         *
         * @param result active slots with the name, claimers that got it, 1 when those share one slot.
         */
        @Arbiter
        public void arbiter(final III_Result result)
        {
            int holders = 0;
            for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
            {
                final int offset = TailerTableDescriptor.slotOffset(slot);
                if (TailerTableDescriptor.stateVolatile(table, offset) == TailerTableDescriptor.STATE_ACTIVE &&
                    NAME.equals(TailerTableDescriptor.name(table, offset)))
                {
                    holders++;
                }
            }
            result.r1 = holders;
            result.r2 = (first == null ? 0 : 1) + (second == null ? 0 : 1);
            result.r3 = 1;
            if (first != null && second != null)
            {
                first.store(STORED_POSITION, 1);
                result.r3 = second.position() == STORED_POSITION ? 1 : 0;
            }
            if (first != null)
            {
                first.close();
            }
            if (second != null)
            {
                second.close();
            }
        }
    }

    private static TailerPosition claimOrNull(final UnsafeBuffer table, final String journalKey)
    {
        try
        {
            return TailerPosition.claim(table, NAME, journalKey, FIRST_FRAME, 0);
        }
        catch (final VarveException ex)
        {
            // refused: the other claimer owns the name, which is the right answer for one of two processes
            return null;
        }
    }
}
