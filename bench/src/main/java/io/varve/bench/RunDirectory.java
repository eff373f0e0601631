package io.varve.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A fresh directory for each measured run of a benchmark, with memory brought to the same state before it (see
 * {@link MemoryState}) and everything deleted after it, so no run inherits another's files, dirty pages or page
 * cache. The warming file is sized from what the previous run of the same benchmark wrote: about the size of the run.
 * <p>
 * Threading: NOT threadsafe; one benchmark thread.
 */
public final class RunDirectory
{
    /** Smallest warming size. */
    public static final long MIN_WARM_BYTES = 256L << 20;

    private final String name;
    private long expectedBytes;
    private Path current;

    /**
     * A run directory.
     *
     * @param name         prefix of the directories, naming the benchmark.
     * @param initialBytes the first run is expected to write.
     */
    public RunDirectory(final String name, final long initialBytes)
    {
        this.name = name;
        this.expectedBytes = initialBytes;
    }

    /**
     * Prepare memory and create a fresh directory.
     *
     * @param measured true for a measured run, false for warm-up.
     * @return the directory, empty.
     */
    public Path open(final boolean measured)
    {
        final Path base = MemoryState.benchDirectory();
        final Path directory = base.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        MemoryState.prepare(base, Math.max(MIN_WARM_BYTES, expectedBytes + expectedBytes / 4), measured);
        try
        {
            current = Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create run directory: dir=" + directory, ex);
        }
        return current;
    }

    /**
     * Bring memory to the run's state again without a fresh directory, for a benchmark whose journal lives across
     * iterations: the warming is sized from what the last iteration wrote.
     *
     * @param measured     true before a measured iteration, false before a warm-up one.
     * @param bytesWritten by the last iteration; 0 keeps the previous size.
     */
    public void warmAgain(final boolean measured, final long bytesWritten)
    {
        if (bytesWritten > 0)
        {
            expectedBytes = bytesWritten;
        }
        MemoryState.prepare(MemoryState.benchDirectory(), Math.max(MIN_WARM_BYTES, expectedBytes + expectedBytes / 4),
            measured);
    }

    /**
     * Delete the run's directory and remember how much it wrote, to size the next warming.
     *
     * @param bytesWritten by the run.
     */
    public void close(final long bytesWritten)
    {
        if (bytesWritten > 0)
        {
            expectedBytes = bytesWritten;
        }
        if (current != null)
        {
            deleteTree(current);
            current = null;
        }
    }

    /**
     * Delete a directory and everything under it; a missing directory is fine.
     *
     * @param root to delete.
     */
    public static void deleteTree(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
                    throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
                {
                    if (ex instanceof NoSuchFileException)
                    {
                        return FileVisitResult.CONTINUE;
                    }
                    throw ex;
                }

                public FileVisitResult postVisitDirectory(final Path directory, final IOException ex)
                    throws IOException
                {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete directory: dir=" + root, ex);
        }
    }
}
