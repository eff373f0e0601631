package io.varve.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sizes of the stress runs, from {@code varve.stress.*} system properties (stress/pom.xml passes them to the tests,
 * with CI's short defaults; a long run sets them on the mvn command line). docs/RELIABILITY.md lists them.
 */
public final class StressSettings
{
    private StressSettings()
    {
    }

    /** Crash torture: SIGKILL cycles. */
    public static int cycles()
    {
        return Integer.getInteger("varve.stress.cycles", 30);
    }

    /** Power-loss images to build and open. */
    public static int images()
    {
        return Integer.getInteger("varve.stress.images", 1000);
    }

    /** Corruption fuzzing cases. */
    public static int cases()
    {
        return Integer.getInteger("varve.stress.cases", 3000);
    }

    /** Full disk: file size limits, one child JVM each. */
    public static int limits()
    {
        return Integer.getInteger("varve.stress.limits", 12);
    }

    /** Second-writer races. */
    public static int races()
    {
        return Integer.getInteger("varve.stress.races", 150);
    }

    /** Records the writer appends while tailers in other processes follow. */
    public static int tailerRecords()
    {
        return Integer.getInteger("varve.stress.tailerRecords", 50_000);
    }

    /**
     * The seed of a run: {@code varve.stress.seed} when set and non-zero, else a random one. Tests print it, so a
     * failure can be replayed with {@code -Dvarve.stress.seed=N}.
     */
    public static long seed()
    {
        final long seed = Long.getLong("varve.stress.seed", 0);
        return seed != 0 ? seed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /**
     * A fresh directory for scratch journals under {@code varve.stress.scratch} (default: the temporary directory).
     */
    public static Path scratchDirectory(final String prefix)
    {
        try
        {
            final Path root = Path.of(System.getProperty("varve.stress.scratch", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(root);
            return Files.createTempDirectory(root, prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The fastest scratch root for tests that copy and reopen thousands of small journals and whose point is the
     * logic, not the disk: {@code /dev/shm} (tmpfs) when writable, else {@link #scratchDirectory(String)}'s root.
     */
    public static Path memoryScratchDirectory(final String prefix)
    {
        final Path shm = Path.of("/dev/shm");
        if (System.getProperty("varve.stress.memoryScratch", "true").equals("true") && Files.isDirectory(shm) &&
            Files.isWritable(shm))
        {
            try
            {
                return Files.createTempDirectory(shm, prefix);
            }
            catch (final IOException ex)
            {
                return scratchDirectory(prefix);
            }
        }
        return scratchDirectory(prefix);
    }

    /**
     * Delete a directory tree, ignoring what is already gone.
     */
    public static void deleteTree(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (var paths = Files.walk(root))
        {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((path) ->
            {
                try
                {
                    Files.deleteIfExists(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
