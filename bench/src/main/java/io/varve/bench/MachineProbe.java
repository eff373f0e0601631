package io.varve.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the machine was while the suite ran: JDK, CPU, memory, kernel, file system, load, the share of CPU time
 * the hypervisor stole, and the cross-core round trip, which on this kind of VM swings ~4x within minutes and
 * moves every cross-thread figure with it.
 * <p>
 * Threading: one thread, which starts two more for the round trip.
 */
public final class MachineProbe
{
    private static final int ROUND_TRIP_BATCHES = 25;
    private static final int ROUND_TRIPS_PER_BATCH = 20_000;
    private static final int STEAL_FIELD = 8;

    private long[] startTicks;

    /**
     * Facts that do not change during a run.
     *
     * @param dataDirectory where benchmarks write.
     * @return name to value, in display order.
     */
    public Map<String, String> describe(final Path dataDirectory)
    {
        final Map<String, String> facts = new LinkedHashMap<>();
        facts.put("JDK", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" +
            System.getProperty("java.vendor") + ")");
        facts.put("CPU", firstLine(Path.of("/proc/cpuinfo"), "model name") + ", " +
            Runtime.getRuntime().availableProcessors() + " vCPUs");
        facts.put("Memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        facts.put("Kernel", read(Path.of("/proc/sys/kernel/osrelease")).trim());
        try
        {
            facts.put("File system", Files.getFileStore(dataDirectory).type() + " (" +
                Files.getFileStore(dataDirectory).name() + "), data in " + dataDirectory);
        }
        catch (final IOException ex)
        {
            facts.put("File system", "unknown: " + ex);
        }
        return facts;
    }

    /**
     * Start counting CPU ticks, for the steal share.
     */
    public void start()
    {
        startTicks = cpuTicks();
    }

    /**
     * Share of CPU time stolen by the hypervisor since {@link #start()}.
     *
     * @return percent, or NaN when unknown.
     */
    public double stealPercent()
    {
        final long[] end = cpuTicks();
        if (startTicks == null || end.length <= STEAL_FIELD || startTicks.length <= STEAL_FIELD)
        {
            return Double.NaN;
        }
        long total = 0;
        for (int i = 0; i < Math.min(end.length, STEAL_FIELD + 1); i++)
        {
            total += end[i] - startTicks[i];
        }
        return total > 0 ? 100.0 * (end[STEAL_FIELD] - startTicks[STEAL_FIELD]) / total : Double.NaN;
    }

    /**
     * Load average, as {@code /proc/loadavg} shows it.
     *
     * @return the first three fields.
     */
    public static String loadAverage()
    {
        final String[] fields = read(Path.of("/proc/loadavg")).trim().split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    }

    /**
     * Cross-core round trip: two threads bounce a counter, batch after batch.
     *
     * @return the median and the lowest batch mean, in nanoseconds per round trip.
     */
    public static double[] roundTripNanos()
    {
        final AtomicLong ball = new AtomicLong();
        final long total = (long)ROUND_TRIP_BATCHES * ROUND_TRIPS_PER_BATCH;
        final Thread echo = new Thread(() ->
        {
            for (long i = 1; i <= total; i++)
            {
                final long odd = 2 * i - 1;
                while (ball.get() != odd)
                {
                    Thread.onSpinWait();
                }
                ball.set(odd + 1);
            }
        }, "round-trip-echo");
        echo.setDaemon(true);
        echo.start();
        final double[] batches = new double[ROUND_TRIP_BATCHES];
        long next = 1;
        for (int batch = 0; batch < ROUND_TRIP_BATCHES; batch++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < ROUND_TRIPS_PER_BATCH; i++)
            {
                ball.set(2 * next - 1);
                while (ball.get() != 2 * next)
                {
                    Thread.onSpinWait();
                }
                next++;
            }
            batches[batch] = (System.nanoTime() - start) / (double)ROUND_TRIPS_PER_BATCH;
        }
        Arrays.sort(batches);
        return new double[]{ batches[batches.length / 2], batches[0] };
    }

    private static long[] cpuTicks()
    {
        for (final String line : read(Path.of("/proc/stat")).split("\n"))
        {
            if (line.startsWith("cpu "))
            {
                final String[] fields = line.trim().split("\\s+");
                final List<Long> ticks = new ArrayList<>();
                for (int i = 1; i < fields.length; i++)
                {
                    ticks.add(Long.parseLong(fields[i]));
                }
                return ticks.stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new long[0];
    }

    private static String firstLine(final Path file, final String key)
    {
        for (final String line : read(file).split("\n"))
        {
            if (line.startsWith(key))
            {
                final int colon = line.indexOf(':');
                return colon >= 0 ? line.substring(colon + 1).trim() : line.trim();
            }
        }
        return "unknown";
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage().toLowerCase(Locale.ROOT) + ")";
        }
    }
}
