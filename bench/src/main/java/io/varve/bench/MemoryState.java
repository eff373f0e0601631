package io.varve.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Brings memory to a known state before a measured run. On this kind of VM guest memory that was freed returns to
 * the host within seconds, and touching it again costs a host fault: writing into new page-cache pages runs ~4x
 * slower "cold" than right after a file of the same size was written and deleted ("warm"). Every system appends
 * into new pages, so every measured run of every system is preceded by the same {@link #warm(Path, long)}, and the
 * cold round instead waits {@link #COLD_PAUSE_MILLIS} for freed memory to go back to the host.
 * <p>
 * The mode comes from the system property {@value #MODE_PROP_NAME}: {@code warm} (default), {@code cold} or
 * {@code off}.
 * <p>
 * Threading: static methods, no shared state.
 */
public final class MemoryState
{
    /** System property choosing the memory state of measured runs: {@code warm}, {@code cold} or {@code off}. */
    public static final String MODE_PROP_NAME = "varve.bench.memory";
    /** System property naming the directory benchmarks write into; the default is under java.io.tmpdir. */
    public static final String DIR_PROP_NAME = "varve.bench.dir";
    /** How long the cold round waits before a measured run: freed memory was seen back on the host after ~10 s. */
    public static final long COLD_PAUSE_MILLIS = 10_000;
    /** Largest warming file. */
    public static final long MAX_WARM_BYTES = 6L << 30;

    private static final int CHUNK = 1 << 20;

    /** Memory state before a measured run. */
    public enum Mode
    {
        /** A file about the size of the run was just written and deleted. */
        WARM,
        /** Nothing was written for {@link #COLD_PAUSE_MILLIS}: freed memory has gone back to the host. */
        COLD,
        /** Left as it is: for smoke runs, which measure nothing worth reading. */
        OFF
    }

    private MemoryState()
    {
    }

    /**
     * The mode from {@value #MODE_PROP_NAME}.
     *
     * @return the mode, WARM by default.
     */
    public static Mode mode()
    {
        return Mode.valueOf(System.getProperty(MODE_PROP_NAME, "warm").toUpperCase(Locale.ROOT));
    }

    /**
     * Directory benchmarks write into, from {@value #DIR_PROP_NAME}, created if missing.
     *
     * @return the directory.
     */
    public static Path benchDirectory()
    {
        final String configured = System.getProperty(DIR_PROP_NAME);
        final Path directory = configured != null ?
            Path.of(configured) : Path.of(System.getProperty("java.io.tmpdir"), "varve-bench");
        try
        {
            return Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create bench directory: dir=" + directory, ex);
        }
    }

    /**
     * Bring memory to the configured state before a run that will write about {@code bytes}: warm it, or for a
     * measured run in the cold mode wait for freed memory to leave.
     *
     * @param directory on the file system the run writes to.
     * @param bytes     the run is expected to write.
     * @param measured  true for a measured run; warm-up runs are always warmed.
     */
    public static void prepare(final Path directory, final long bytes, final boolean measured)
    {
        prepare(directory, bytes, measured, mode());
    }

    /**
     * Bring memory to a given state before a run that will write about {@code bytes}, as the suite's plan says,
     * for code that runs in the suite's own JVM rather than in a fork given {@value #MODE_PROP_NAME}.
     *
     * @param directory where the run writes.
     * @param bytes     about as much as the run will write.
     * @param measured  false for warm-up runs, which are always brought warm in COLD mode.
     * @param mode      warm, cold or off.
     */
    public static void prepare(final Path directory, final long bytes, final boolean measured, final Mode mode)
    {
        if (mode == Mode.OFF)
        {
            return;
        }
        if (measured && mode == Mode.COLD)
        {
            pause(COLD_PAUSE_MILLIS);
        }
        else
        {
            warm(directory, bytes);
        }
    }

    /**
     * Write a file of {@code bytes} into the page cache and delete it, so the guest holds that much memory that
     * the next writer can take without a host fault. Nothing is forced to storage: deleted dirty pages are dropped.
     *
     * @param directory where to write the file.
     * @param bytes     to write, capped at {@link #MAX_WARM_BYTES}.
     */
    public static void warm(final Path directory, final long bytes)
    {
        final long length = Math.min(Math.max(bytes, CHUNK), MAX_WARM_BYTES);
        final Path file = directory.resolve("memory-warm-" + ProcessHandle.current().pid() + ".tmp");
        final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        while (chunk.hasRemaining())
        {
            chunk.put((byte)0x5A);
        }
        try
        {
            try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                for (long written = 0; written < length; written += CHUNK)
                {
                    chunk.clear();
                    while (chunk.hasRemaining())
                    {
                        channel.write(chunk);
                    }
                }
            }
            finally
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot warm memory: file=" + file + " bytes=" + length, ex);
        }
    }

    /**
     * Sleep, keeping the thread's interrupt status.
     *
     * @param millis to sleep.
     */
    public static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
