package io.varve.journal;

import java.nio.file.Path;

/**
 * A file could not be allocated or grown: the disk is full or a file size limit was reached. Nothing already
 * written is lost; the operation that needed the space did not happen and may be retried once space is freed.
 */
public final class StorageSpaceException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failed allocation.
     *
     * @param file      being allocated.
     * @param requested bytes it needed.
     * @param written   bytes allocated before the failure.
     * @param cause     the I/O error.
     */
    public StorageSpaceException(final Path file, final long requested, final long written, final Throwable cause)
    {
        super("cannot allocate " + file + ": requested=" + requested + " bytes allocated=" + written +
            " error='" + cause.getMessage() + "'; free disk space or raise the file size limit, then retry",
            cause, Category.ERROR);
    }
}
