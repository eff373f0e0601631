package io.varve.journal.read;

import io.varve.journal.VarveException;

/**
 * A seek to a place the journal does not have: past its end, before its first record, or into the middle of a
 * frame. The tailer stays where it was.
 */
public final class TailerSeekException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A refused seek.
     *
     * @param message naming what was asked and what the journal holds.
     */
    public TailerSeekException(final String message)
    {
        super(message);
    }
}
