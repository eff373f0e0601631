package io.varve.bench.recovery;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long opening a 1 GiB journal takes, as a restarting writer meets it: the first {@code Journal.open} in a fresh
 * JVM, class loading and interpretation included, after the last writer closed it cleanly or was killed with
 * SIGKILL (a real crash: the writer is a child JVM and its page cache survives, as on a process crash).
 * <p>
 * For each case and run, one child JVM writes the journal ({@code --segments} full 64 MiB segments of
 * {@code --size}-byte records, fsync none) and closes it or waits to be killed; a fresh child JVM then opens it once
 * and reports, in one {@code OPENED} line:
 * <ul>
 *     <li>{@code START}: from the parent starting the child to the child's {@code main} (JVM start; both read
 *     {@code CLOCK_MONOTONIC} through {@link System#nanoTime()});</li>
 *     <li>{@code OPEN}: the first {@code Journal.open} plus one append in that JVM: what the target is
 *     about; {@code OPEN_CPU}: the opening thread's CPU time for the same, which does not count waiting for a CPU
 *     on a shared machine (nor for the disk: recovery's forces);</li>
 *     <li>{@code RECOVERY}, {@code SCANNED}: recovery's own time and the bytes its scan read, and {@code GBPS},
 *     their ratio, which is the scan speed when the scan reads the whole journal ({@code kill-full}), and
 *     {@code CPU_GBPS}, the bytes scanned per second of the opening thread's CPU;</li>
 *     <li>{@code CLASSES}: classes the open loaded.</li>
 * </ul>
 * Cases: {@code clean} (clean close, default full scan from the durable position, which is the end),
 * {@code kill-tail} (SIGKILL, {@code fullRecoveryScan(false)}: only the last segment's tail is read) and
 * {@code kill-full} (SIGKILL, full scan: under fsync none nothing was forced, so every frame of the 1 GiB is read).
 * With {@code --warm} the child first opens, appends to and closes a small scratch journal twice, so its classes are
 * loaded and interpreted before the measured open (how {@link RecoveryMain} measures). {@code --flags=a,b} adds JVM
 * flags to the opening JVM only, for instance an application class data sharing archive
 * ({@code -XX:SharedArchiveFile=...}, made once with {@code -XX:ArchiveClassesAtExit=...}; the class path must be
 * jars), which takes most class loading off a fresh JVM's open.
 * <p>
 * What a cold open is made of, once the journal's own work is small: loading, verifying and interpreting the
 * classes of the open path (compare {@code --warm}), and on JDK 18 and later the first {@code FileChannel.map} of the
 * JVM, whose {@code MappedByteBuffer} is built through core reflection, now method handles spun on first use (JEP
 * 416); {@code --flags=-Djdk.reflect.useNativeAccessorOnly=true} shows that share.
 * <p>
 * Run, from the repository root, after {@code mvn -B -q -o package -pl bench -am -DskipTests}:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.varve.bench.recovery.OpenTimeProbe --dir=/tmp/varve-open \
 *     --cases=clean,kill-tail,kill-full --size=64 --runs=5
 * </pre>
 * Children run on the parent's {@code java}: start the parent with the JDK to measure. The journals stay in the page
 * cache; the directory is deleted afterwards.
 * <p>
 * Threading: main thread only.
 */
public final class OpenTimeProbe
{
    private static final int SEGMENT_LENGTH = 64 * 1024 * 1024;
    private static final long CHILD_TIMEOUT_MILLIS = 600_000;
    private static final String AGRONA_FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final String[] FIELDS =
        { "START", "OPEN", "OPEN_CPU", "RECOVERY", "SCANNED", "GBPS", "CPU_GBPS", "CLASSES" };

    private OpenTimeProbe()
    {
    }

    /**
     * Run the probe, or one of its child steps.
     *
     * @param args {@code --dir --cases --size --runs --segments --warm --flags}; children get {@code --step}.
     * @throws Exception when a step fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final long mainNanos = System.nanoTime();
        final long mainCpuNanos = threadCpuNanos();
        final Map<String, String> arguments = parse(args);
        final Path directory = Path.of(arguments.getOrDefault("dir", "/tmp/varve-open"));
        final int size = Integer.parseInt(arguments.getOrDefault("size", "64"));
        final String step = arguments.get("step");
        if ("write".equals(step))
        {
            write(directory, size, Integer.parseInt(arguments.getOrDefault("segments", "16")),
                "kill".equals(arguments.get("end")));
        }
        else if ("open".equals(step))
        {
            open(directory, size, Long.parseLong(arguments.get("launched")), mainNanos, mainCpuNanos,
                Boolean.parseBoolean(arguments.get("full")), arguments.containsKey("warm"));
        }
        else
        {
            run(directory, size, arguments);
        }
    }

    private static void run(final Path directory, final int size, final Map<String, String> arguments)
    {
        final int runs = Integer.parseInt(arguments.getOrDefault("runs", "5"));
        final String segments = arguments.getOrDefault("segments", "16");
        final boolean warm = arguments.containsKey("warm");
        final String flags = arguments.getOrDefault("flags", "");
        final List<String> openFlags = flags.isEmpty() ? List.of() : List.of(flags.split(","));
        System.out.println("java " + Runtime.version() + ", " + size + " B records, " + segments +
            " x 64 MiB, " + runs + " runs" + (warm ? ", warm (classes loaded before the open)" : ", cold JVM") +
            (openFlags.isEmpty() ? "" : ", opening JVM flags " + openFlags));
        for (final String journalCase : arguments.getOrDefault("cases", "clean,kill-tail,kill-full").split(","))
        {
            final boolean killed = journalCase.startsWith("kill");
            final boolean full = !"kill-tail".equals(journalCase);
            final Map<String, List<Double>> values = new HashMap<>();
            for (int run = 1; run <= runs; run++)
            {
                deleteTree(directory);
                try
                {
                    Files.createDirectories(directory);
                    final List<String> writeArgs = new ArrayList<>(List.of("--step=write", "--dir=" + directory,
                        "--size=" + size, "--segments=" + segments, "--end=" + (killed ? "kill" : "clean")));
                    final Process writer = start(List.of(), writeArgs);
                    awaitLine(output(writer), killed ? "READY" : "CLOSED");
                    if (killed)
                    {
                        writer.destroyForcibly(); // SIGKILL
                    }
                    writer.waitFor();
                    final List<String> openArgs = new ArrayList<>(List.of("--step=open", "--dir=" + directory,
                        "--size=" + size, "--full=" + full, "--launched=" + System.nanoTime()));
                    if (warm)
                    {
                        openArgs.add("--warm");
                    }
                    final Process opener = start(openFlags, openArgs);
                    final BufferedReader openerOutput = output(opener);
                    final String line = awaitLine(openerOutput, "OPENED");
                    if (opener.waitFor() != 0)
                    {
                        throw new IllegalStateException("open step failed: " + line);
                    }
                    System.out.println("  " + journalCase + " run " + run + ": " + line);
                    for (final String field : FIELDS)
                    {
                        values.computeIfAbsent(field, (k) -> new ArrayList<>()).add(field(line, field));
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
                finally
                {
                    deleteTree(directory);
                    deleteTree(scratch(directory));
                }
            }
            final StringBuilder summary = new StringBuilder(journalCase + " median of " + runs + ":");
            for (final String field : FIELDS)
            {
                summary.append(' ').append(field).append('=').append(format(median(values.get(field))));
            }
            System.out.println(summary);
        }
    }

    private static void write(final Path directory, final int size, final int segments, final boolean awaitKill)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        for (int i = 0; i < size; i++)
        {
            payload.putByte(i, (byte)(i % 251));
        }
        // stop a little before the last segment's end, so the journal is exactly the segments asked for
        final long end = (long)segments * SEGMENT_LENGTH - 4 * (size + 64);
        try (Journal journal = Journal.open(new JournalContext().directory(directory)
            .fsyncPolicy(FsyncPolicy.parse("none"))))
        {
            final Appender appender = journal.appender();
            while (appender.position() < end)
            {
                appender.append(payload, 0, size);
            }
            if (awaitKill)
            {
                System.out.println("READY position=" + appender.position());
                System.out.flush();
                while (true)
                {
                    Thread.sleep(1000);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        System.out.println("CLOSED");
    }

    private static void open(
        final Path directory,
        final int size,
        final long launchedNanos,
        final long mainNanos,
        final long mainCpuNanos,
        final boolean fullScan,
        final boolean warm)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        if (warm)
        {
            final Path scratch = scratch(directory);
            for (int i = 0; i < 2; i++)
            {
                try (Journal journal = Journal.open(new JournalContext().directory(scratch)
                    .fullRecoveryScan(fullScan)))
                {
                    for (int r = 0; r < 1000; r++)
                    {
                        journal.appender().append(payload, 0, size);
                    }
                }
            }
            deleteTree(scratch);
        }
        final long startCpu = warm ? threadCpuNanos() : mainCpuNanos;
        final long start = System.nanoTime();
        final long recoveryNanos;
        final long scanned;
        try (Journal journal = Journal.open(new JournalContext().directory(directory).fullRecoveryScan(fullScan)))
        {
            journal.appender().append(payload, 0, size);
            final long openNanos = System.nanoTime() - start;
            final long openCpuNanos = threadCpuNanos() - startCpu;
            final RecoveryReport report = journal.recoveryReport();
            recoveryNanos = report.durationNanos();
            scanned = report.scannedBytes();
            // read after the open: the management classes are not the journal's
            final long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
            System.out.println(String.format(Locale.ROOT,
                "OPENED START=%.1f OPEN=%.1f OPEN_CPU=%.1f RECOVERY=%.1f SCANNED=%d GBPS=%.2f CPU_GBPS=%.2f " +
                "CLASSES=%d DROPPED=%d",
                (mainNanos - launchedNanos) / 1e6, openNanos / 1e6, openCpuNanos / 1e6, recoveryNanos / 1e6, scanned,
                (double)scanned / recoveryNanos, (double)scanned / openCpuNanos, classes, report.droppedRecords()));
        }
    }

    /**
     * CPU time of the calling thread from {@code /proc/thread-self/schedstat}, read with {@code java.io} classes the
     * JVM has loaded at start, so the reading loads nothing the open would: on a shared machine the wall time of an
     * open waits for a CPU, its CPU time does not.
     */
    private static long threadCpuNanos()
    {
        final byte[] bytes = new byte[128];
        int length = 0;
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/thread-self/schedstat"))
        {
            int read;
            while (length < bytes.length && (read = in.read(bytes, length, bytes.length - length)) > 0)
            {
                length += read;
            }
        }
        catch (final IOException ex)
        {
            return 0;
        }
        long nanos = 0;
        for (int i = 0; i < length && bytes[i] >= '0' && bytes[i] <= '9'; i++)
        {
            nanos = nanos * 10 + (bytes[i] - '0');
        }
        return nanos;
    }

    private static Path scratch(final Path directory)
    {
        return directory.resolveSibling(directory.getFileName() + "-scratch");
    }

    private static Process start(final List<String> flags, final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(AGRONA_FLAG);
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OpenTimeProbe.class.getName());
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static BufferedReader output(final Process process)
    {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String awaitLine(final BufferedReader in, final String prefix) throws IOException
    {
        final long deadline = System.currentTimeMillis() + CHILD_TIMEOUT_MILLIS;
        final StringBuilder output = new StringBuilder();
        String line;
        while (System.currentTimeMillis() < deadline && (line = in.readLine()) != null)
        {
            if (line.startsWith(prefix))
            {
                return line;
            }
            output.append(line).append('\n');
        }
        throw new IllegalStateException("child printed no " + prefix + " line; its output:\n" + output);
    }

    private static double field(final String line, final String name)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(name + "="))
            {
                return Double.parseDouble(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in: " + line);
    }

    private static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] :
            (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String format(final double value)
    {
        return value == Math.rint(value) && Math.abs(value) > 1000 ? Long.toString((long)value) :
            String.format(Locale.ROOT, "%.2f", value);
    }

    private static Map<String, String> parse(final String[] args)
    {
        final Map<String, String> map = new HashMap<>();
        for (final String arg : args)
        {
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("expected --name=value: " + arg + " in " + Arrays.toString(args));
            }
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            map.put(name, equals < 0 ? "" : arg.substring(equals + 1));
        }
        return map;
    }

    private static void deleteTree(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + root, ex);
        }
    }
}
