package io.varve.journal.read;

import io.varve.journal.VarveException;

/**
 * A tailer needs records that retention has already deleted. It says how far behind the tailer is and where the
 * journal now starts; the tailer stays where it was. Open the tailer with skip-ahead to continue from the first
 * record still there instead.
 */
public final class TailerBehindRetentionException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /** Records between the tailer and the journal's first record. */
    private final long recordsBehind;
    /** Sequence of the journal's first record. */
    private final long firstSequence;

    /**
     * A tailer behind retention.
     *
     * @param tailer        name of a named tailer, or null.
     * @param nextSequence  the record the tailer needs.
     * @param firstSequence the journal's first record now.
     * @param firstPosition the journal's first position now.
     */
    public TailerBehindRetentionException(
        final String tailer, final long nextSequence, final long firstSequence, final long firstPosition)
    {
        super("tailer fell behind retention: " + (tailer == null ? "" : "name=" + tailer + " ") +
            "nextSequence=" + nextSequence + " but the journal now starts at sequence=" + firstSequence +
            " position=" + firstPosition + " (" + (firstSequence - nextSequence) + " records behind); seek to the " +
            "start, or open the tailer with skip-ahead");
        this.recordsBehind = firstSequence - nextSequence;
        this.firstSequence = firstSequence;
    }

    /**
     * How far behind the tailer is.
     *
     * @return records deleted that the tailer had not read.
     */
    public long recordsBehind()
    {
        return recordsBehind;
    }

    /**
     * Where the journal now starts.
     *
     * @return the first sequence still in the journal.
     */
    public long firstSequence()
    {
        return firstSequence;
    }
}
