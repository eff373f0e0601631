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
     * Throw unless a directory looks like a Chronicle Queue: it exists and holds at least one roll-cycle file.
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
        if (cycleFiles(directory).isEmpty())
        {
            throw new NotAChronicleQueueException(directory, "no " + CYCLE_FILE_SUFFIX + " roll-cycle file");
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
