package io.varve.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The process's standard output, remembering the first write error: {@link java.io.PrintStream} swallows it, and
 * the command must tell a full disk (exit 2, say why) from a reader that went away, such as {@code head} closing
 * its end of the pipe (exit quietly).
 * <p>
 * Threading: one writing thread; {@link #failure()} may be read from any thread.
 */
final class StandardOutput extends OutputStream
{
    private final FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    private volatile IOException failure;

    public void write(final int b) throws IOException
    {
        try
        {
            out.write(b);
        }
        catch (final IOException ex)
        {
            throw record(ex);
        }
    }

    public void write(final byte[] bytes, final int offset, final int length) throws IOException
    {
        try
        {
            out.write(bytes, offset, length);
        }
        catch (final IOException ex)
        {
            throw record(ex);
        }
    }

    /**
     * The first write error, if any.
     *
     * @return the error or null.
     */
    IOException failure()
    {
        return failure;
    }

    /**
     * Whether the first write error was a closed pipe: the reader has all it wanted.
     *
     * @return true for EPIPE.
     */
    boolean readerWentAway()
    {
        final IOException ex = failure;
        return ex != null && ex.getMessage() != null && ex.getMessage().contains("Broken pipe");
    }

    private IOException record(final IOException ex)
    {
        if (failure == null)
        {
            failure = ex;
        }
        return ex;
    }
}
