package io.varve.tuning;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingContext;
import io.varve.ringbuffer.WaitPolicy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuningTest
{
    @TempDir
    Path dir;

    @Test
    void shouldApplyEachProfileThroughTheBuilders()
    {
        final RingContext lowLatency = TuningProfile.LOW_LATENCY.apply(new RingContext());
        assertEquals(WaitPolicy.BUSY_SPIN, lowLatency.journalingWait());
        assertEquals(WaitPolicy.BUSY_SPIN, lowLatency.producerWait());
        assertEquals(64 * 1024, lowLatency.maxBatchBytes());
        assertEquals(100, lowLatency.maxBatchWaitMicros());
        final RingContext throughput = TuningProfile.THROUGHPUT.apply(new RingContext());
        assertEquals(WaitPolicy.SLEEPING, throughput.journalingWait());
        assertEquals(262144, throughput.ringSize());
        assertEquals(8 * 1024 * 1024, throughput.maxBatchBytes());
        final RingContext balanced = TuningProfile.BALANCED.apply(new RingContext());
        assertEquals(new RingContext().maxBatchBytes(), balanced.maxBatchBytes(), "BALANCED is the default");
        assertEquals(256 * 1024 * 1024, TuningProfile.THROUGHPUT.apply(new JournalContext()).segmentLength());
        assertEquals(WriteMode.POSITIONAL, TuningProfile.THROUGHPUT.apply(new JournalContext()).writeMode());
        assertEquals(WriteMode.MAPPED, TuningProfile.LOW_LATENCY.apply(
            new JournalContext().writeMode(WriteMode.POSITIONAL)).writeMode());
        assertEquals(new JournalContext().writeMode(), TuningProfile.BALANCED.apply(new JournalContext()).writeMode(),
            "BALANCED is the default");
        for (final TuningProfile profile : TuningProfile.values())
        {
            assertFalse(profile.advice().isEmpty(), profile.name());
        }
    }

    @Test
    void shouldPinOrWarnButNeverFail() throws Exception
    {
        assertTrue(ThreadPinning.isAvailable(), "the optional library is on the test class path");
        final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        assertFalse(ThreadPinning.pinCurrentThread(9999, warnings::add));
        assertTrue(warnings.get(0).contains("cpu=9999 is not one of the"), warnings.toString());

        try (JournalRing ring = JournalRing.start(TuningProfile.BALANCED.apply(new RingContext()
            .journalContext(new JournalContext().directory(dir).segmentLength(65536).fsyncPolicy(FsyncPolicy.NONE))
            .ringSize(64).slotCapacity(64)
            .threadFactory(ThreadPinning.pinnedThreadFactory(0, warnings::add)))))
        {
            final long ticket = ring.publish(new UnsafeBuffer(new byte[8]), 0, 8, 0);
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS), "a pinned (or warned) thread journals");
        }
        for (final String warning : warnings.subList(1, warnings.size()))
        {
            assertTrue(warning.contains("not pinned"), warning);
        }
    }

    @Test
    void shouldReportEveryCheckOnTheRealHostWithoutFailingToRun()
    {
        final List<HostCheck.Result> results = new HostCheck(Path.of("/")).run(dir, 64L << 20, 0);
        final List<String> names = results.stream().map(HostCheck.Result::check).collect(Collectors.toList());
        for (final String expected : List.of("CPUs", "isolated CPUs", "CPU frequency governor",
            "transparent huge pages", "vm.swappiness", "vm.dirty_* writeback", "journal file system", "free space",
            "open files limit", "clock source", "JVM version", "Agrona flag", "JVM GC and flags"))
        {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
        final String swappiness;
        try (java.io.InputStream in = new java.io.FileInputStream("/proc/sys/vm/swappiness"))
        {
            swappiness = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        catch (final java.io.IOException ex)
        {
            return;
        }
        final HostCheck.Result read = results.stream().filter((r) -> r.check().equals("vm.swappiness")).findFirst()
            .orElseThrow();
        assertEquals(swappiness, read.value(), "the whole value, not its first character");
    }

    @Test
    void shouldJudgeAHostFromItsProcAndSysFiles() throws Exception
    {
        final Path root = dir.resolve("host");
        write(root, "sys/devices/system/cpu/online", "0-1");
        write(root, "sys/devices/system/cpu/isolated", "");
        write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave");
        write(root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance");
        write(root, "sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never");
        write(root, "proc/sys/vm/swappiness", "60");
        write(root, "proc/sys/vm/dirty_ratio", "20");
        write(root, "proc/sys/vm/dirty_background_ratio", "10");
        write(root, "proc/sys/vm/dirty_background_bytes", "0");
        write(root, "proc/meminfo", "MemTotal:        8000000 kB\nMemFree:         4000000 kB");
        write(root, "proc/mounts", "server:/export " + dir.toRealPath() + " nfs4 rw,relatime 0 0\n" +
            "/dev/vda / ext4 rw,relatime 0 0");
        write(root, "proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units\n" +
            "Max open files            1024                 1048576              files\n" +
            "Max locked memory         8388608              8388608              bytes");
        write(root, "sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock");

        final Map<String, HostCheck.Result> results = new HostCheck(root).run(dir, 64L << 20, 0).stream()
            .collect(Collectors.toMap(HostCheck.Result::check, Function.identity()));
        assertEquals(HostCheck.Status.WARN, results.get("CPUs").status());
        assertEquals(HostCheck.Status.WARN, results.get("isolated CPUs").status());
        assertEquals(HostCheck.Status.WARN, results.get("CPU frequency governor").status());
        assertEquals("powersave,performance", results.get("CPU frequency governor").value());
        assertEquals(HostCheck.Status.WARN, results.get("transparent huge pages").status());
        assertEquals(HostCheck.Status.WARN, results.get("vm.swappiness").status());
        assertEquals(HostCheck.Status.PASS, results.get("vm.dirty_* writeback").status(), "800 MB before writeback");
        assertEquals(HostCheck.Status.FAIL, results.get("journal file system").status(), "NFS");
        assertTrue(results.get("journal file system").fix().contains("local file system"));
        assertEquals(HostCheck.Status.WARN, results.get("open files limit").status());
        assertEquals(HostCheck.Status.WARN, results.get("clock source").status());

        write(root, "proc/meminfo", "MemTotal:       64000000 kB");
        final HostCheck.Result bigHost = new HostCheck(root).run(dir, 64L << 20, 0).stream()
            .filter((r) -> r.check().equals("vm.dirty_* writeback")).findFirst().orElseThrow();
        assertEquals(HostCheck.Status.WARN, bigHost.status(), "6 GB dirty before writeback: " + bigHost.value());
        for (final HostCheck.Result result : results.values())
        {
            if (result.status() == HostCheck.Status.WARN || result.status() == HostCheck.Status.FAIL)
            {
                assertFalse(result.fix().isEmpty(), "every warning says how to fix it: " + result);
            }
        }
    }

    @Test
    void shouldSayUnknownForEveryFileItCannotRead() throws Exception
    {
        final List<HostCheck.Result> results = new HostCheck(Files.createDirectory(dir.resolve("empty")))
            .run(dir, 64L << 20, 0);
        final long unknown = results.stream().filter((r) -> r.status() == HostCheck.Status.UNKNOWN).count();
        assertTrue(unknown >= 9, "missing /proc and /sys files read as unknown: " + results);
    }

    private static void write(final Path root, final String path, final String content) throws Exception
    {
        final Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
