package io.varve.journal;

/**
 * The journal hit an error that may have lost data, such as a failed force, and stopped accepting work. Every
 * call after the failure throws this with the original cause; reopen the journal to recover. It never retries
 * on its own: after a failed fsync the kernel may have dropped the dirty pages, so a retry could report success
 * for data that is gone.
 */
public final class JournalFailedException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A use after a fatal failure.
     *
     * @param directory of the journal.
     * @param cause     the original failure.
     */
    public JournalFailedException(final String directory, final Throwable cause)
    {
        super("journal failed and accepts no more work: directory=" + directory + " cause='" + cause + "'; " +
            "close it and reopen to recover", cause, Category.FATAL);
    }
}
