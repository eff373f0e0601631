package io.varve.bench;

import java.io.IOException;
import java.io.InputStream;
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
 * moves every cross-thread figure with it; and what a page fault costs here ({@link #probePageFaults}), which is
 * what a fresh process pays to first touch a mapped journal.
 * <p>
 * Threading: one thread, which starts two more for the round trip.
 */
public final class MachineProbe
{
    private static final int ROUND_TRIP_BATCHES = 25;
    private static final int ROUND_TRIPS_PER_BATCH = 20_000;
    private static final int STEAL_FIELD = 8;
    private static final String PROBE_SOURCE = "page_fault_probe.c";
    private static final String PROBE_MARKER = "PAGE_FAULTS ";
    private static final long PROBE_TIMEOUT_SECONDS = 300;

    /** Label of the page-fault row in the machine facts. */
    public static final String PAGE_FAULTS = "Page faults";

    private long[] startTicks;
    private String pageFaults = "page-fault probe: not run";

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
        facts.put(PAGE_FAULTS, pageFaults);
        return facts;
    }

    /**
     * Measure page-fault costs with the C probe kept in the bench module ({@code src/main/c/page_fault_probe.c}):
     * compile it with {@code cc -O2} into the results folder and run it on a file in the data directory, which
     * stays in the page cache (the point is the mapping and page-table cost, not disk reads). Without a C
     * compiler the probe is not run and the summary says so.
     *
     * @param results       folder the probe is compiled into.
     * @param dataDirectory where the probe's file goes (the disk being measured).
     * @param mebibytes     size of each region the probe touches.
     * @return the line the summary shows.
     */
    public String probePageFaults(final Path results, final Path dataDirectory, final long mebibytes)
    {
        final Path compiler = findOnPath("cc");
        if (compiler == null)
        {
            pageFaults = "page-fault probe: not run (no C compiler)";
            return pageFaults;
        }
        try
        {
            final Path folder = Files.createDirectories(results.resolve("page-fault-probe"));
            final Path source = folder.resolve(PROBE_SOURCE);
            try (InputStream in = MachineProbe.class.getResourceAsStream(PROBE_SOURCE))
            {
                if (in == null)
                {
                    throw new IOException("resource " + PROBE_SOURCE + " missing from the class path");
                }
                Files.write(source, in.readAllBytes());
            }
            final Path binary = folder.resolve("page_fault_probe");
            run(List.of(compiler.toString(), "-O2", "-o", binary.toString(), source.toString()));
            final String output = run(List.of(binary.toString(),
                dataDirectory.resolve("page-fault-probe.dat").toString(), Long.toString(mebibytes)));
            Files.writeString(folder.resolve("output.txt"), output);
            pageFaults = describePageFaults(output);
        }
        catch (final IOException | RuntimeException ex)
        {
            pageFaults = "page-fault probe: failed (" + ex.getMessage() + ")";
        }
        return pageFaults;
    }

    /**
     * The summary's line for the probe's output.
     *
     * @param output of the probe: a line {@code PAGE_FAULTS mib=.. page=.. anon_write=.. file_write=..
     *               cached_read=.. populate=..}.
     * @return the line, or why there is none.
     */
    public static String describePageFaults(final String output)
    {
        for (final String line : output.split("\n"))
        {
            if (line.startsWith(PROBE_MARKER))
            {
                final Map<String, String> fields = new LinkedHashMap<>();
                for (final String field : line.substring(PROBE_MARKER.length()).trim().split("\\s+"))
                {
                    final int equals = field.indexOf('=');
                    fields.put(field.substring(0, equals), field.substring(equals + 1));
                }
                return "first write to fresh anonymous memory " + fields.get("anon_write") +
                    " ns/page; first write to a fresh file page (shared mapping) " + fields.get("file_write") +
                    " ns/page; first read of a cached file page through a new mapping " + fields.get("cached_read") +
                    " ns/page; mmap(MAP_POPULATE) of the cached file " + fields.get("populate") + " ns/page (" +
                    fields.get("mib") + " MiB, " + fields.get("page") + "-byte pages, page_fault_probe.c)";
            }
        }
        return "page-fault probe: no result in its output: " + output.trim();
    }

    private static String run(final List<String> command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new IOException("exit " + process.exitValue() + " from " + command + ": " + output.trim());
            }
            return output;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, ex);
        }
    }

    private static Path findOnPath(final String name)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String entry : path.split(java.io.File.pathSeparator))
        {
            final Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
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
