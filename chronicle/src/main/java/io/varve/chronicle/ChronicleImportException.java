package io.varve.chronicle;

/**
 * An import that cannot go on: the target journal holds records that are not this queue's, or the queue no longer
 * holds the excerpt the journal's last record came from.
 * <p>
 * Threading: immutable.
 */
public final class ChronicleImportException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * The exception.
     *
     * @param message naming the directories and the values.
     */
    public ChronicleImportException(final String message)
    {
        super(message);
    }
}
