package io.varve.bench;

import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.PageTables;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What preparing a segment costs, one step at a time, and whether the writer still faults afterwards: for each
 * directory and each way to prepare, N segments are prepared one after another with Varve's own
 * {@link JournalDirectory} and {@link PageTables}, and after each preparation a writer's first pass appends frames
 * (a payload, then the length word with a release store) through the mapping from start to end. Every file is deleted
 * before the next, so its dirty pages are dropped and never written back. The ways:
 * <ol type="a">
 *     <li>{@code zeros+touch}: zeros written through a FileChannel, then every page touched by a CAS (Java path);</li>
 *     <li>{@code zeros}: zeros written, no touch;</li>
 *     <li>{@code sparse+populate}: created unwritten, then {@code madvise(MADV_POPULATE_WRITE)} (the one pass);</li>
 *     <li>{@code zeros+populate}: zeros written, then {@code madvise(MADV_POPULATE_WRITE)}.</li>
 * </ol>
 * The last two need native populate (JDK 22+ with {@code --enable-native-access=ALL-UNNAMED}) and are skipped
 * without it. Faults are the writer thread's minor faults from {@code /proc/thread-self/stat}.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -cp CLASSPATH io.varve.bench.SegmentPrepareProbe [SEGMENTS] [MiB] [DIR...]
 * </pre>
 * <p>
 * Threading: the main thread only.
 */
public final class SegmentPrepareProbe
{
    private static final String[] MODES = { "zeros+touch", "zeros", "sparse+populate", "zeros+populate" };
    private static final int[] FRAMES = { 64, 1024 };

    private static long lastCreateNanos;

    private SegmentPrepareProbe()
    {
    }

    /**
     * Run every directory, way and frame size and print one line each.
     *
     * @param args segments per line (default 4), segment MiB (default 64), directories (default /tmp /dev/shm).
     * @throws Exception when a file cannot be created.
     */
    public static void main(final String[] args) throws Exception
    {
        final int segments = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        final int length = (args.length > 1 ? Integer.parseInt(args[1]) : 64) << 20;
        final List<Path> dirs = new ArrayList<>();
        for (int i = 2; i < args.length; i++)
        {
            dirs.add(Path.of(args[i]));
        }
        if (dirs.isEmpty())
        {
            dirs.add(Path.of("/tmp"));
            dirs.add(Path.of("/dev/shm"));
        }
        System.out.printf(Locale.ROOT, "native populate: %s%s; %d segments of %d MiB per line, medians%n",
            PageTables.isNative(), PageTables.isNative() ? "" : " (" + PageTables.fallbackReason() + ")",
            segments, length >> 20);

        // warm the JIT on the writer's loop and the touch before anything counts
        final Path warmDir = Files.createTempDirectory(dirs.get(0), "prepare-probe-warm");
        run(new JournalDirectory(warmDir, PosixFilePermissions.fromString("rw-------")), 0, 64, 2, length, false);
        Files.delete(warmDir);

        for (final Path dir : dirs)
        {
            final Path work = Files.createTempDirectory(dir, "prepare-probe");
            final JournalDirectory directory = new JournalDirectory(work, PosixFilePermissions.fromString("rw-------"));
            for (int mode = 0; mode < MODES.length; mode++)
            {
                if (mode >= 2 && !PageTables.isNative())
                {
                    continue;
                }
                for (final int frame : FRAMES)
                {
                    run(directory, mode, frame, segments, length, true);
                }
            }
            Files.delete(work);
        }
    }

    private static void run(
        final JournalDirectory directory,
        final int mode,
        final int frame,
        final int segments,
        final int length,
        final boolean print) throws IOException
    {
        final long[] prepareNanos = new long[segments];
        final long[] createNanos = new long[segments];
        final long[] writeNanos = new long[segments];
        final long[] faults = new long[segments];
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[frame]);
        for (int i = 0; i < segments; i++)
        {
            final String name = "segment-" + i;
            final long start = System.nanoTime();
            final MappedFile mapped = prepare(directory, name, mode, length);
            prepareNanos[i] = System.nanoTime() - start;
            createNanos[i] = lastCreateNanos;
            try
            {
                final long faultsBefore = minorFaults();
                final long writeStart = System.nanoTime();
                write(mapped.buffer(), payload, frame, length);
                writeNanos[i] = System.nanoTime() - writeStart;
                faults[i] = minorFaults() - faultsBefore;
            }
            finally
            {
                mapped.close();
                directory.delete(name);
            }
        }
        if (print)
        {
            final long frames = length / frame;
            System.out.printf(Locale.ROOT, "%-9s %-16s %5d B: prepare %7.2f ms (create %7.2f, map+populate %7.2f)  " +
                "first pass %7.2f ms (%6.1f ns/frame)  writer faults %,7d%n", directory.path().getParent(),
                MODES[mode], frame, median(prepareNanos) / 1e6, median(createNanos) / 1e6,
                median(minus(prepareNanos, createNanos)) / 1e6, median(writeNanos) / 1e6,
                median(writeNanos) / (double)frames, median(faults));
        }
    }

    private static MappedFile prepare(
        final JournalDirectory directory, final String name, final int mode, final int length) throws IOException
    {
        final long start = System.nanoTime();
        if (mode == 2)
        {
            // sparse: the length without a block written, as a one-pass prepare would create it
            try (RandomAccessFile created = new RandomAccessFile(directory.resolve(name).toFile(), "rw"))
            {
                created.setLength(length);
            }
        }
        else
        {
            directory.allocate(name, length);
        }
        lastCreateNanos = System.nanoTime() - start;
        final MappedFile mapped = MappedFile.map(directory.resolve(name), length, false);
        if (mode == 0)
        {
            PageTables.touch(mapped.address(), length);
        }
        else if (mode >= 2 && !PageTables.tryPopulateWrite(mapped.address(), length))
        {
            mapped.close();
            throw new IOException("populate failed: file=" + directory.resolve(name));
        }
        return mapped;
    }

    private static void write(final UnsafeBuffer segment, final UnsafeBuffer payload, final int frame, final int length)
    {
        for (int offset = 0; offset + frame <= length; offset += frame)
        {
            segment.putBytes(offset + 8, payload, 8, frame - 8);
            segment.putIntRelease(offset, frame);
        }
    }

    private static long minorFaults() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        // fields after "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt ...
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }

    private static long[] minus(final long[] values, final long[] subtracted)
    {
        final long[] result = new long[values.length];
        for (int i = 0; i < values.length; i++)
        {
            result[i] = values[i] - subtracted[i];
        }
        return result;
    }

    private static long median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
