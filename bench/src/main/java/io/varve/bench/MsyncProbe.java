package io.varve.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What forcing a shared file mapping costs on this host, without Varve: writes 96-byte records into a pre-allocated,
 * pre-touched mapping of {@code MiB} mebibytes and forces them with {@code MappedByteBuffer.force} twice, first
 * with one thread writing and forcing in turn, then with a second thread forcing what the writer has published
 * while the writer goes on, at most 6 MiB ahead of the last force (Varve's group commit, streaming). It prints MB/s
 * and the TLB shootdowns the kernel counted in {@code /proc/interrupts}: writeback write-protects every dirty page
 * it cleans, and while another thread of the process runs on another CPU each of those needs an inter-processor
 * interrupt, which a VM pays with an exit.
 * <pre>
 * java -cp bench/target/benchmarks.jar io.varve.bench.MsyncProbe [DIR] [MiB]
 * </pre>
 * <p>
 * Threading: the main thread, and one force thread in the second run.
 */
public final class MsyncProbe
{
    private static final int RECORD = 96;
    private static final int CHUNK = 1 << 20;
    private static final int PAGE = 4096;
    private static final int WINDOW = 65536 * RECORD;

    private MsyncProbe()
    {
    }

    /**
     * Run both modes and print one line each.
     *
     * @param args directory (default /tmp) and mebibytes (default 1024).
     * @throws Exception when the file cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args.length > 0 ? args[0] : "/tmp");
        final long length = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        if (length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("at most 2047 MiB: one mapping");
        }
        run(dir, (int)length, false);
        run(dir, (int)length, true);
    }

    private static void run(final Path dir, final int length, final boolean forceThread) throws Exception
    {
        final Path file = Files.createTempFile(dir, "msync-probe", ".dat");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
            for (long position = 0; position < length; position += CHUNK)
            {
                zeros.clear();
                channel.write(zeros, position);
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            for (int offset = 0; offset < length; offset += PAGE)
            {
                mapping.put(offset, (byte)0);
            }
            final long shootdownsBefore = tlbShootdowns();
            final long start = System.nanoTime();
            final long forces = forceThread ? writeWithForceThread(mapping, length) : writeThenForce(mapping, length);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final long shootdowns = tlbShootdowns() - shootdownsBefore;
            System.out.printf(Locale.ROOT, "%-34s %,7.0f MB/s  %,6d forces  %,9d TLB shootdowns (%.2f per page)%n",
                forceThread ? "writer + force thread:" : "one thread, write then force:",
                length / 1e6 / seconds, forces, shootdowns, shootdowns / (double)(length / PAGE));
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private static long writeThenForce(final MappedByteBuffer mapping, final int length)
    {
        final byte[] record = new byte[RECORD];
        long forces = 0;
        for (int chunk = 0; chunk + CHUNK <= length; chunk += CHUNK)
        {
            for (int offset = chunk; offset + RECORD <= chunk + CHUNK; offset += RECORD)
            {
                mapping.put(offset, record);
            }
            mapping.force(chunk, CHUNK);
            forces++;
        }
        return forces;
    }

    private static long writeWithForceThread(final MappedByteBuffer mapping, final int length) throws Exception
    {
        final AtomicLong published = new AtomicLong();
        final AtomicLong durablePosition = new AtomicLong();
        final AtomicLong forces = new AtomicLong();
        final int end = length - length % RECORD;
        final Thread forcer = new Thread(() ->
        {
            int durable = 0;
            while (durable < end)
            {
                final int target = (int)published.get();
                if (target > durable)
                {
                    final int from = durable & -PAGE;
                    mapping.force(from, target - from);
                    durable = target;
                    durablePosition.setRelease(durable);
                    forces.incrementAndGet();
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }, "msync-probe-force");
        forcer.start();
        final byte[] record = new byte[RECORD];
        for (int offset = 0; offset < end; offset += RECORD)
        {
            mapping.put(offset, record);
            published.lazySet(offset + RECORD);
            while (offset - durablePosition.getAcquire() > WINDOW)
            {
                Thread.onSpinWait();
            }
        }
        forcer.join();
        return forces.get();
    }

    private static long tlbShootdowns() throws IOException
    {
        final Path interrupts = Path.of("/proc/interrupts");
        if (!Files.isReadable(interrupts))
        {
            return 0;
        }
        final List<String> lines = Files.readAllLines(interrupts);
        for (final String line : lines)
        {
            final String trimmed = line.trim();
            if (trimmed.startsWith("TLB:"))
            {
                long sum = 0;
                for (final String field : trimmed.substring(4).trim().split("\\s+"))
                {
                    if (!field.chars().allMatch(Character::isDigit))
                    {
                        break;
                    }
                    sum += Long.parseLong(field);
                }
                return sum;
            }
        }
        return 0;
    }
}
