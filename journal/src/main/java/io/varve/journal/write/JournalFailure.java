package io.varve.journal.write;

import io.varve.journal.JournalFailedException;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The journal's failed state: the first fatal error, after which every call throws
 * {@link JournalFailedException} with that error as the cause. Errors also go to the metadata file's error log,
 * where {@code varve stat} shows them.
 * <p>
 * Threading: threadsafe; any thread may fail the journal, the writer reads the state on every call.
 */
public final class JournalFailure
{
    private final String directory;
    private final DistinctErrorLog errorLog;
    private final AtomicCounter errors;
    private volatile Throwable cause;

    /**
     * The state of a journal.
     *
     * @param directory of the journal, for messages.
     * @param errorLog  in the metadata file, or null.
     * @param errors    counter of errors, or null.
     */
    public JournalFailure(final String directory, final DistinctErrorLog errorLog, final AtomicCounter errors)
    {
        this.directory = directory;
        this.errorLog = errorLog;
        this.errors = errors;
    }

    /**
     * Enter the failed state, keeping the first cause.
     *
     * @param error the fatal error.
     * @return the exception every later call throws.
     */
    public JournalFailedException fail(final Throwable error)
    {
        synchronized (this)
        {
            if (cause == null)
            {
                cause = error;
            }
        }
        record(error);
        return new JournalFailedException(directory, cause);
    }

    /**
     * Record an error in the error log without failing the journal.
     *
     * @param error to record.
     */
    public void record(final Throwable error)
    {
        if (errors != null)
        {
            errors.increment();
        }
        if (errorLog != null)
        {
            errorLog.record(error);
        }
    }

    /**
     * Whether the journal failed.
     *
     * @return true after a fatal error.
     */
    public boolean hasFailed()
    {
        return cause != null;
    }

    /**
     * Throw if the journal failed.
     *
     * @throws JournalFailedException with the original cause.
     */
    public void check()
    {
        final Throwable cause = this.cause;
        if (cause != null)
        {
            throw new JournalFailedException(directory, cause);
        }
    }
}
