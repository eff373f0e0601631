package io.varve.journal.storage;

import io.varve.journal.JournalConfigurationException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells a permission problem (EACCES, or EPERM from an immutable file) from other I/O failures, so that the message
 * says "permission denied" and names the file instead of a vaguer "cannot map" or "not a journal".
 * <p>
 * Threading: stateless.
 */
public final class AccessDenied
{
    private AccessDenied()
    {
    }

    /**
     * Whether an I/O failure was the operating system refusing access.
     *
     * @param ex the failure.
     * @return true for EACCES or EPERM.
     */
    public static boolean is(final IOException ex)
    {
        final String message = ex.getMessage();
        return ex instanceof AccessDeniedException || message != null &&
            (message.contains("Permission denied") || message.contains("Operation not permitted"));
    }

    /**
     * The exception to throw for a refused access.
     *
     * @param file   refused.
     * @param action what was refused, e.g. "open for writing".
     * @param cause  the operating system's refusal.
     * @return an exception naming the file and what to do.
     */
    public static JournalConfigurationException exception(final Path file, final String action, final Throwable cause)
    {
        return new JournalConfigurationException("permission denied: cannot " + action + ": " +
            (Files.isDirectory(file) ? "directory=" : "file=") + file.toAbsolutePath() +
            "; run as a user who may, or fix its owner or mode (chown, chmod; chattr -i when it is immutable)", cause);
    }
}
