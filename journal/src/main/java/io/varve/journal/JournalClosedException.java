package io.varve.journal;

/**
 * An operation on a journal, appender or tailer that has been closed.
 */
public final class JournalClosedException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A use after close.
     *
     * @param what that was closed, with its directory.
     */
    public JournalClosedException(final String what)
    {
        super(what + " is closed");
    }
}
