package io.varve.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a Chronicle Queue directory looks like from outside: roll-cycle files ending in {@value #CYCLE_FILE_SUFFIX},
 * whose names sort in cycle order. Touches no Chronicle class, so a command can refuse a wrong directory before it
 * loads Chronicle or starts a JVM with Chronicle's flags.
 * <p>
 * Threading: static methods, no state.
 */
public final class ChronicleQueueDirectory
{
    /** The file name suffix of a Chronicle Queue roll-cycle file. */
    public static final String CYCLE_FILE_SUFFIX = ".cq4";

    private ChronicleQueueDirectory()
    {
    }

    /**
     * Throw unless a directory looks like a Chronicle Queue: it exists and holds at least one roll-cycle file, and
     * no roll-cycle file but the last is empty.
     *
     * @param directory to check.
     * @throws NotAChronicleQueueException when it does not.
     */
    public static void check(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new NotAChronicleQueueException(directory, "not a directory");
        }
        final List<Path> cycleFiles = cycleFiles(directory);
        if (cycleFiles.isEmpty())
        {
            throw new NotAChronicleQueueException(directory, "no " + CYCLE_FILE_SUFFIX + " roll-cycle file");
        }
        // Chronicle waits for the header of an empty cycle file, then stops there as at the queue's end: the
        // excerpts of every later cycle would be left out of an import that says it is done. A writer may be
        // creating the last file; no writer leaves an earlier one empty.
        for (int i = 0; i < cycleFiles.size() - 1; i++)
        {
            if (size(cycleFiles.get(i)) == 0)
            {
                throw new NotAChronicleQueueException(directory, "the roll-cycle file " +
                    cycleFiles.get(i).getFileName() + " is empty (0 bytes) and later cycles follow it: the queue " +
                    "is damaged; restore that file from a backup");
            }
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the size of " + file, ex);
        }
    }

    /**
     * The roll-cycle files of a queue, in cycle order.
     *
     * @param directory of the queue.
     * @return the files, empty when there are none.
     */
    public static List<Path> cycleFiles(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter((path) -> path.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX)).sorted()
                .collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + directory, ex);
        }
    }
}
