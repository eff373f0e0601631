package io.varve.chronicle;

import java.nio.file.Path;

/**
 * The directory given as a Chronicle Queue holds no roll-cycle file ({@code *.cq4}).
 * <p>
 * Threading: immutable.
 */
public final class NotAChronicleQueueException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /**
     * The exception for a directory.
     *
     * @param directory that is not a queue.
     * @param reason    what is missing.
     */
    public NotAChronicleQueueException(final Path directory, final String reason)
    {
        super("not a Chronicle Queue: " + directory + " (" + reason + ")");
    }
}
