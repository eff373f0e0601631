package io.varve.ringbuffer;

import io.varve.journal.VarveException;

/**
 * The ring stopped because the journal failed (a failed force, a full disk, a corrupt file). Every later publish
 * and every waiting producer gets this, with the original cause; no record that was not forced is acknowledged.
 */
public final class RingFailedException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A use after the failure.
     *
     * @param directory     of the ring's journal.
     * @param durableTicket highest ticket acknowledged before the failure.
     * @param cause         the original failure.
     */
    public RingFailedException(final String directory, final long durableTicket, final Throwable cause)
    {
        super("journal ring failed: directory=" + directory + " durableTicket=" + durableTicket + " cause='" + cause +
            "'; records after the durable ticket were not acknowledged; reopen the journal to recover",
            cause, Category.FATAL);
    }
}
