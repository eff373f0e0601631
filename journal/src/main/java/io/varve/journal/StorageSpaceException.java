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

    private StorageSpaceException(final String message, final Throwable cause)
    {
        super(message, cause, Category.ERROR);
    }

    /**
     * A positional write into a sparse segment file that the disk refused ({@code ENOSPC}, {@code EDQUOT},
     * {@code EFBIG}): the bytes were not written. The append that needed the write did not happen; records staged
     * before it (in a batch, or within {@code maxStagingDelay}) stay staged and a later flush writes them.
     *
     * @param file     being written.
     * @param position in the file of the first byte not written.
     * @param length   bytes the write needed from there.
     * @param cause    the I/O error.
     * @return the exception.
     */
    public static StorageSpaceException ofWrite(
        final Path file, final long position, final int length, final Throwable cause)
    {
        return new StorageSpaceException("cannot write " + file + ": position=" + position + " requested=" + length +
            " bytes error='" + cause.getMessage() + "'; free disk space or raise the file size limit, then retry",
            cause);
    }
}
