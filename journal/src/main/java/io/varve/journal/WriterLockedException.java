package io.varve.journal;

import java.nio.file.Path;

/**
 * Another writer, in this process or another, holds the journal. A journal has one writer; the lock is an OS
 * file lock that the OS releases when the owner dies, so this is never a stale lock.
 */
public final class WriterLockedException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /** Process id of the owner, or -1 when it could not be learned. */
    private final long ownerPid;

    /**
     * A refused second writer.
     *
     * @param directory of the journal.
     * @param ownerPid  of the writer holding it, or -1.
     * @param where     "this process" or "another process".
     */
    public WriterLockedException(final Path directory, final long ownerPid, final String where)
    {
        super("journal is already open for writing by " + where + ": directory=" + directory + " ownerPid=" +
            (ownerPid > 0 ? Long.toString(ownerPid) : "unknown") + "; a journal has one writer, close it first");
        this.ownerPid = ownerPid;
    }

    /**
     * Process id of the writer that holds the journal.
     *
     * @return the PID, or -1 when unknown.
     */
    public long ownerPid()
    {
        return ownerPid;
    }
}
