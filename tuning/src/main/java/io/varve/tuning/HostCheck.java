package io.varve.tuning;

import io.varve.journal.RuntimeRequirements;
import io.varve.journal.VarveException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Inspects the host for what matters to a memory-mapped journal, as {@code varve tune check} prints it: CPUs and
 * isolation, frequency governor, transparent huge pages, swappiness and dirty-page writeback, the journal
 * directory's file system, mount options and free space, resource limits, the clock source, and the JVM. It reads
 * {@code /proc} and {@code /sys} under a root directory (the real root, or a copy in tests); a file it cannot read
 * gives UNKNOWN, never an exception.
 * <p>
 * Threading: NOT threadsafe; one check at a time.
 */
public final class HostCheck
{
    /** Outcome of one check. */
    public enum Status
    {
        /** Fine for a journal. */
        PASS,
        /** Works, but costs latency, throughput or safety; the fix says how to do better. */
        WARN,
        /** Unsafe or unusable for a journal. */
        FAIL,
        /** Could not be read on this host. */
        UNKNOWN
    }

    /**
     * One line of the report.
     *
     * @param check  what was checked.
     * @param status the outcome.
     * @param value  what was found.
     * @param reason why it matters.
     * @param fix    what to do, or "" when nothing.
     */
    public record Result(String check, Status status, String value, String reason, String fix)
    {
    }

    /** Dirty bytes above which background writeback starting late counts as bursty. */
    private static final long MAX_DIRTY_BACKGROUND = 1L << 30;

    private final Path root;
    private final List<Result> results = new ArrayList<>();

    /**
     * A check of the host whose {@code /proc} and {@code /sys} are under a root.
     *
     * @param root "/" for the real host.
     */
    public HostCheck(final Path root)
    {
        this.root = root;
    }

    /**
     * Run every check.
     *
     * @param journalDirectory where the journal lives, or null to skip the file system checks.
     * @param segmentLength    segment length planned, for the free-space check.
     * @param retentionBytes   bytes retention keeps, or 0 when unlimited.
     * @return one result per check.
     */
    public List<Result> run(final Path journalDirectory, final long segmentLength, final long retentionBytes)
    {
        results.clear();
        checkCpus();
        checkIsolation();
        checkGovernor();
        checkTransparentHugePages();
        checkSwappiness();
        checkDirtyWriteback();
        if (journalDirectory != null)
        {
            checkFileSystem(journalDirectory);
            checkFreeSpace(journalDirectory, segmentLength, retentionBytes);
        }
        checkLimits();
        checkClockSource();
        checkJvm();
        return List.copyOf(results);
    }

    private void add(final String check, final Status status, final String value, final String reason,
        final String fix)
    {
        results.add(new Result(check, status, value, reason, fix));
    }

    private String read(final String path)
    {
        // Not Files.readString: it sizes its read from the file's size, and /proc/sys files that report a size of 1
        // come back cut to their first character ("60" read as "6").
        try (InputStream in = Files.newInputStream(root.resolve(path.substring(1))))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private void unknown(final String check, final String path)
    {
        add(check, Status.UNKNOWN, "unknown", "cannot read " + path, "");
    }

    private void checkCpus()
    {
        final String online = read("/sys/devices/system/cpu/online");
        final int cpus = online == null ? -1 : countCpus(online);
        if (cpus < 0)
        {
            unknown("CPUs", "/sys/devices/system/cpu/online");
            return;
        }
        final Status status = cpus >= 4 ? Status.PASS : cpus >= 2 ? Status.WARN : Status.FAIL;
        add("CPUs", status, cpus + " online (" + online + ")",
            "the writer, the journaling thread and tailers each want a core; spinning threads need their own",
            status == Status.PASS ? "" : "use 4 or more cores; on fewer, prefer the BALANCED profile (no spinning)");
    }

    private void checkIsolation()
    {
        final String isolated = read("/sys/devices/system/cpu/isolated");
        final String cmdline = read("/proc/cmdline");
        if (isolated == null && cmdline == null)
        {
            unknown("isolated CPUs", "/sys/devices/system/cpu/isolated");
            return;
        }
        final boolean hasIsolated = isolated != null && !isolated.isEmpty();
        final boolean hasNohz = cmdline != null && cmdline.contains("nohz_full=");
        add("isolated CPUs", hasIsolated ? Status.PASS : Status.WARN,
            (hasIsolated ? "isolcpus=" + isolated : "none") + (hasNohz ? ", nohz_full set" : ", no nohz_full"),
            "pinned threads on isolated cores avoid scheduler and timer interrupts (the p99.99 and max)",
            hasIsolated ? "" : "add isolcpus=N-M nohz_full=N-M rcu_nocbs=N-M to the kernel command line and pin " +
                "the journaling thread there");
    }

    private void checkGovernor()
    {
        final List<String> governors = new ArrayList<>();
        try (Stream<Path> cpus = Files.list(root.resolve("sys/devices/system/cpu")))
        {
            final List<Path> sorted = cpus.sorted().collect(Collectors.toList());
            for (final Path cpu : sorted)
            {
                final String name = cpu.getFileName().toString();
                if (name.matches("cpu\\d+"))
                {
                    final String governor = read("/sys/devices/system/cpu/" + name + "/cpufreq/scaling_governor");
                    if (governor != null)
                    {
                        governors.add(governor);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            governors.clear();
        }
        if (governors.isEmpty())
        {
            add("CPU frequency governor", Status.UNKNOWN, "unknown", "no cpufreq in /sys (a VM or a fixed clock)",
                "");
            return;
        }
        final String distinct = governors.stream().distinct().collect(Collectors.joining(","));
        final boolean performance = governors.stream().allMatch("performance"::equals);
        add("CPU frequency governor", performance ? Status.PASS : Status.WARN, distinct,
            "a core that slows down between bursts adds microseconds to the first records of each burst",
            performance ? "" : "cpupower frequency-set -g performance");
    }

    private void checkTransparentHugePages()
    {
        final String thp = read("/sys/kernel/mm/transparent_hugepage/enabled");
        if (thp == null)
        {
            unknown("transparent huge pages", "/sys/kernel/mm/transparent_hugepage/enabled");
            return;
        }
        final String mode = selected(thp);
        final boolean always = "always".equals(mode);
        add("transparent huge pages", always ? Status.WARN : Status.PASS, mode,
            "with 'always', khugepaged compaction stalls threads for milliseconds",
            always ? "echo madvise > /sys/kernel/mm/transparent_hugepage/enabled and run the JVM with " +
                "-XX:+UseTransparentHugePages" : "");
    }

    private void checkSwappiness()
    {
        final Long swappiness = readLong("/proc/sys/vm/swappiness");
        if (swappiness == null)
        {
            unknown("vm.swappiness", "/proc/sys/vm/swappiness");
            return;
        }
        final boolean low = swappiness <= 10;
        add("vm.swappiness", low ? Status.PASS : Status.WARN, Long.toString(swappiness),
            "swapping out the heap or the ring's buffer turns a microsecond into milliseconds",
            low ? "" : "sysctl vm.swappiness=1");
    }

    private void checkDirtyWriteback()
    {
        final Long ratio = readLong("/proc/sys/vm/dirty_ratio");
        final Long background = readLong("/proc/sys/vm/dirty_background_ratio");
        final Long backgroundBytes = readLong("/proc/sys/vm/dirty_background_bytes");
        final Long expire = readLong("/proc/sys/vm/dirty_expire_centisecs");
        if (ratio == null || background == null)
        {
            unknown("vm.dirty_*", "/proc/sys/vm/dirty_ratio");
            return;
        }
        final boolean bytesSet = backgroundBytes != null && backgroundBytes > 0;
        // What matters is how many bytes pile up before writeback starts: 10% is 400 MB on a 4 GB host, 25 GB on
        // a 256 GB one.
        final Long memoryKb = memoryTotalKb();
        final long backgroundLimit = bytesSet ? backgroundBytes :
            memoryKb == null ? -1 : memoryKb * 1024 / 100 * background;
        final boolean bursty = backgroundLimit < 0 ?
            background > 10 || ratio > 40 : backgroundLimit > MAX_DIRTY_BACKGROUND;
        add("vm.dirty_* writeback", bursty ? Status.WARN : Status.PASS,
            "dirty_ratio=" + ratio + " dirty_background_" + (bytesSet ? "bytes=" + backgroundBytes :
                "ratio=" + background) + (backgroundLimit < 0 ? "" : " (writeback from " + (backgroundLimit >> 20) +
                " MiB)") + (expire == null ? "" : " dirty_expire_centisecs=" + expire),
            "a journal dirties pages as fast as it appends; a high threshold lets gigabytes pile up and then " +
                "throttles the writer while they are written back",
            bursty ? "sysctl vm.dirty_background_bytes=268435456 vm.dirty_bytes=1073741824" : "");
    }

    private Long memoryTotalKb()
    {
        final String meminfo = read("/proc/meminfo");
        if (meminfo == null)
        {
            return null;
        }
        for (final String line : meminfo.split("\n"))
        {
            if (line.startsWith("MemTotal:"))
            {
                return parseLong(line.substring("MemTotal:".length()).replace("kB", ""), null);
            }
        }
        return null;
    }

    private void checkFileSystem(final Path journalDirectory)
    {
        final String mounts = read("/proc/mounts");
        if (mounts == null)
        {
            unknown("journal file system", "/proc/mounts");
            return;
        }
        final Path real = realOrAbsolute(journalDirectory);
        String[] best = null;
        for (final String line : mounts.split("\n"))
        {
            final String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && real.startsWith(unescape(fields[1])) &&
                (best == null || unescape(fields[1]).length() >= unescape(best[1]).length()))
            {
                best = fields;
            }
        }
        if (best == null)
        {
            add("journal file system", Status.UNKNOWN, "unknown", "no mount holds " + real, "");
            return;
        }
        final String type = best[2];
        final String options = best[3];
        final Status status;
        final String reason;
        final String fix;
        if (type.startsWith("nfs") || type.equals("cifs") || type.equals("smb3") || type.startsWith("fuse"))
        {
            status = Status.FAIL;
            reason = "memory-mapped files and fsync over a network file system do not give a journal's guarantees";
            fix = "put the journal on a local file system (ext4 or xfs)";
        }
        else if (type.equals("tmpfs") || type.equals("ramfs"))
        {
            status = Status.WARN;
            reason = "memory only: fsync is a no-op and a reboot loses the journal";
            fix = "use a local disk unless the journal is scratch data";
        }
        else if (type.equals("overlay"))
        {
            status = Status.WARN;
            reason = "an overlay (container) file system adds copy-up costs and hides the real device";
            fix = "mount a volume from the host for the journal";
        }
        else if (options.contains("nobarrier") || options.contains("barrier=0"))
        {
            status = Status.WARN;
            reason = "without write barriers fsync may return before data reaches stable storage";
            fix = "remount without nobarrier";
        }
        else if (Stream.of(options.split(",")).anyMatch("sync"::equals))
        {
            status = Status.WARN;
            reason = "mounted sync: every write is synchronous, whatever the fsync policy";
            fix = "remount without sync and choose an fsync policy";
        }
        else
        {
            status = Status.PASS;
            reason = "a local file system with real fsync";
            fix = "";
        }
        add("journal file system", status, type + " on " + unescape(best[1]) + " (" + options + ")", reason, fix);
    }

    private void checkFreeSpace(final Path journalDirectory, final long segmentLength, final long retentionBytes)
    {
        try
        {
            Path existing = realOrAbsolute(journalDirectory);
            while (existing != null && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            if (existing == null)
            {
                unknown("free space", journalDirectory.toString());
                return;
            }
            final FileStore store = Files.getFileStore(existing);
            final long free = store.getUsableSpace();
            final Status status = free < 2 * segmentLength ? Status.FAIL :
                retentionBytes > 0 && free < retentionBytes ? Status.WARN :
                retentionBytes == 0 && free < 64 * segmentLength ? Status.WARN : Status.PASS;
            add("free space", status, String.format(Locale.ROOT, "%,d MiB free", free >> 20),
                "segments are allocated whole; retention " + (retentionBytes == 0 ? "is unlimited" :
                    "keeps " + (retentionBytes >> 20) + " MiB") + "; a segment is " + (segmentLength >> 10) + " KiB",
                status == Status.PASS ? "" : "free space, or set retention below the free space");
        }
        catch (final IOException | RuntimeException ex)
        {
            unknown("free space", journalDirectory.toString());
        }
    }

    private void checkLimits()
    {
        final String limits = read("/proc/self/limits");
        if (limits == null)
        {
            unknown("open files limit", "/proc/self/limits");
            return;
        }
        for (final String line : limits.split("\n"))
        {
            if (line.startsWith("Max open files"))
            {
                final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                final boolean enough = "unlimited".equals(soft) || parseLong(soft, 0L) >= 4096;
                add("open files limit", enough ? Status.PASS : Status.WARN, soft,
                    "each mapped segment, index and tailer holds descriptors; thousands of segments need thousands",
                    enough ? "" : "ulimit -n 65536 (or LimitNOFILE in the service unit)");
            }
            else if (line.startsWith("Max locked memory"))
            {
                final String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                add("locked memory limit", Status.PASS, soft,
                    "Varve does not lock memory; pre-touching keeps mapped pages resident instead", "");
            }
        }
    }

    private void checkClockSource()
    {
        final String clock = read("/sys/devices/system/clocksource/clocksource0/current_clocksource");
        if (clock == null)
        {
            unknown("clock source", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
            return;
        }
        final boolean tsc = "tsc".equals(clock);
        add("clock source", tsc ? Status.PASS : Status.WARN, clock,
            "System.nanoTime costs ~20 ns with tsc and several times more with other sources (timestamps, " +
                "latency measurement)",
            tsc ? "" : "use tsc if the CPU has a constant, non-stop TSC (clocksource=tsc tsc=reliable)");
    }

    private void checkJvm()
    {
        final int feature = Runtime.version().feature();
        add("JVM version", feature >= 17 ? Status.PASS : Status.FAIL,
            System.getProperty("java.vm.name") + " " + Runtime.version(),
            "Varve needs Java 17 or newer", feature >= 17 ? "" : "install JDK 17 or newer");
        try
        {
            RuntimeRequirements.check();
            add("Agrona flag", Status.PASS, "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED",
                "the one JVM flag Varve needs", "");
        }
        catch (final VarveException ex)
        {
            add("Agrona flag", Status.FAIL, "missing", ex.getMessage(),
                "add --add-exports java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        final String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        final List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        final boolean preTouch = arguments.contains("-XX:+AlwaysPreTouch");
        add("JVM GC and flags", Status.PASS, collectors + (preTouch ? ", AlwaysPreTouch" : ""),
            "the journal allocates nothing per record; the GC matters for your own code",
            preTouch ? "" : "consider -XX:+AlwaysPreTouch and a fixed heap (-Xms = -Xmx); Epsilon GC proves a " +
                "loop allocates nothing");
    }

    private Long readLong(final String path)
    {
        final String text = read(path);
        return text == null ? null : parseLong(text, null);
    }

    private static Long parseLong(final String text, final Long otherwise)
    {
        try
        {
            return Long.parseLong(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            return otherwise;
        }
    }

    private static int countCpus(final String ranges)
    {
        int count = 0;
        try
        {
            for (final String range : ranges.split(","))
            {
                final String[] ends = range.trim().split("-");
                count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
            }
            return count;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static String selected(final String options)
    {
        final int open = options.indexOf('[');
        final int close = options.indexOf(']');
        return open >= 0 && close > open ? options.substring(open + 1, close) : options;
    }

    private static String unescape(final String mountPoint)
    {
        return mountPoint.replace("\\040", " ");
    }

    private static Path realOrAbsolute(final Path path)
    {
        try
        {
            return path.toRealPath();
        }
        catch (final IOException ex)
        {
            return path.toAbsolutePath().normalize();
        }
    }
}
