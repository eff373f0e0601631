package io.varve.ringbuffer;

import io.varve.journal.VarveException;

/**
 * A publish or wait on a ring that has been closed. The record was not accepted.
 */
public final class RingClosedException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A use after close.
     *
     * @param directory of the ring's journal.
     */
    public RingClosedException(final String directory)
    {
        super("journal ring is closed and accepts no records: directory=" + directory);
    }
}
