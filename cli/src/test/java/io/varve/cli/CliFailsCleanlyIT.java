package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, "the CLI fails loudly and cleanly", through the shaded jar in child processes: real files, real pipes,
 * real signals, and a real other user for permissions (the tests run as root, whom permission bits do not stop).
 */
class CliFailsCleanlyIT
{
    private static final Path JAR = Path.of(System.getProperty("varve.jar", "target/varve-cli.jar")).toAbsolutePath();
    private static final List<String> AS_NOBODY =
        List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    @TempDir
    Path dir;

    record Result(int exit, String out, String err)
    {
        public String toString()
        {
            return "exit=" + exit + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }

    @BeforeEach
    void openTheTemporaryDirectory() throws Exception
    {
        assertTrue(Files.exists(JAR), "the shaded jar is built in the package phase: " + JAR);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static List<String> command(final List<String> prefix, final List<String> jvm, final String... args)
    {
        final List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:-UsePerfData");
        command.addAll(jvm);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    private Result run(final ProcessBuilder builder) throws Exception
    {
        final File out = Files.createTempFile("varve-out", ".txt").toFile();
        final File err = Files.createTempFile("varve-err", ".txt").toFile();
        try
        {
            if (builder.redirectOutput() == ProcessBuilder.Redirect.PIPE)
            {
                builder.redirectOutput(out);
            }
            final Process process = builder.redirectError(err).start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + builder.command());
            return new Result(process.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        }
        finally
        {
            out.delete();
            err.delete();
        }
    }

    private Result varve(final String... args) throws Exception
    {
        return run(new ProcessBuilder(command(List.of(), List.of(), args)).directory(dir.toFile()));
    }

    private Result varveAsNobody(final String... args) throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && "root".equals(System.getProperty("user.name")),
            "root and setpriv run a command as another user");
        return run(new ProcessBuilder(command(AS_NOBODY, List.of(), args)).directory(dir.toFile()));
    }

    private Path journal(final String name, final int records) throws Exception
    {
        final Result append = varve("append", name, "--count", Integer.toString(records), "--size", "64",
            "--segment-size", "64k");
        assertEquals(0, append.exit(), append.toString());
        return dir.resolve(name);
    }

    private static String oneLine(final String err)
    {
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        return err;
    }

    // 1. output errors

    @Test
    void shouldExitTwoWithOneLineWhenOutputCannotBeWritten() throws Exception
    {
        journal("j", 5000);
        for (final String subcommand : List.of("tail", "dump"))
        {
            final Result full = run(new ProcessBuilder(command(List.of(), List.of(), subcommand, "j"))
                .directory(dir.toFile()).redirectOutput(new File("/dev/full")));
            assertEquals(2, full.exit(), full.toString());
            assertTrue(oneLine(full.err()).startsWith("varve " + subcommand + ": cannot write output: No space left"),
                full.err());
        }
    }

    @Test
    void shouldStopFollowingQuietlyWhenTheReaderClosesThePipe() throws Exception
    {
        final Path journal = journal("j", 10);
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread writer = new Thread(() ->
        {
            try (Journal appending = Journal.open(new JournalContext().directory(journal)))
            {
                final Appender appender = appending.appender();
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
                while (running.get())
                {
                    appender.append(payload, 0, 64);
                    LockSupport.parkNanos(10_000); // a steady writer, not a disk filler
                }
            }
        });
        writer.start();
        final File err = Files.createTempFile("varve-err", ".txt").toFile();
        try
        {
            final Process tail = new ProcessBuilder(command(List.of(), List.of(), "tail", "j", "--follow"))
                .directory(dir.toFile()).redirectError(err).start();
            try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8)))
            {
                assertTrue(lines.readLine().startsWith("seq=0 "));
            }
            // 'head -1' has what it wanted and closed the pipe; the writer keeps appending
            final boolean exited = tail.waitFor(10, TimeUnit.SECONDS);
            tail.destroyForcibly();
            assertTrue(exited, "tail --follow exits when its reader goes away");
            assertTrue(tail.exitValue() == 0 || tail.exitValue() == 141, "exit=" + tail.exitValue());
            assertEquals("", Files.readString(err.toPath()), "quietly");
        }
        finally
        {
            running.set(false);
            writer.join();
            err.delete();
        }
    }

    @Test
    void shouldIdleWithoutSpinningWhenFollowingFindsNothingNew() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counts wakeups in /proc");
        journal("j", 10);
        final Process tail = new ProcessBuilder(command(List.of(), List.of(), "tail", "j", "--follow"))
            .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try
        {
            Thread.sleep(2000); // past start-up
            final Map<Path, Long> before = voluntarySwitches(tail.pid());
            final Duration cpuBefore = tail.info().totalCpuDuration().orElseThrow();
            Thread.sleep(3000);
            final Duration cpu = tail.info().totalCpuDuration().orElseThrow().minus(cpuBefore);
            long wakeups = 0;
            for (final Map.Entry<Path, Long> thread : voluntarySwitches(tail.pid()).entrySet())
            {
                wakeups = Math.max(wakeups, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
            }
            // a 1 ms park wakes ~3,000 times in 3 s, a spin uses the whole 3 s of CPU; the backoff parks 10 ms
            assertTrue(wakeups < 1000, "the busiest thread of an idle tail --follow woke " + wakeups + " times in 3 s");
            assertTrue(cpu.toMillis() < 1000, "an idle tail --follow used " + cpu.toMillis() + " ms of CPU in 3 s");
        }
        finally
        {
            tail.destroyForcibly().waitFor();
        }
    }

    private static Map<Path, Long> voluntarySwitches(final long pid) throws Exception
    {
        final Map<Path, Long> switches = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    for (final String line : Files.readAllLines(task.resolve("status")))
                    {
                        if (line.startsWith("voluntary_ctxt_switches:"))
                        {
                            switches.put(task.getFileName(), Long.parseLong(line.substring(24).trim()));
                        }
                    }
                }
                catch (final IOException ex)
                {
                    // the thread ended
                }
            }
        }
        return switches;
    }

    // 2. journal deleted or replaced under tail --follow and stat --watch

    @Test
    void shouldNoticeAJournalDeletedOrReplacedUnderFollowAndWatch() throws Exception
    {
        for (final boolean replace : new boolean[]{ false, true })
        {
            for (final String[] args : List.of(new String[]{ "tail", "j", "--follow" },
                new String[]{ "stat", "j", "--watch", "0.2" }))
            {
                final Path journal = journal("j", 10);
                final File out = Files.createTempFile("varve-out", ".txt").toFile();
                final File err = Files.createTempFile("varve-err", ".txt").toFile();
                final Process process = new ProcessBuilder(command(List.of(), List.of(), args))
                    .directory(dir.toFile()).redirectOutput(out).redirectError(err).start();
                try
                {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (out.length() == 0 && System.nanoTime() < deadline)
                    {
                        Thread.sleep(20); // until it has the journal open and printed from it
                    }
                    Thread.sleep(200);
                    assertTrue(process.isAlive(), args[0] + " is following");
                    final Path replacement = replace ? journal("j-new", 3) : null;
                    IoUtil.delete(journal.toFile(), false);
                    if (replace)
                    {
                        Files.move(replacement, journal);
                    }
                    assertTrue(process.waitFor(10, TimeUnit.SECONDS), args[0] + " noticed");
                    final String message = Files.readString(err.toPath());
                    assertEquals(1, process.exitValue(), message);
                    assertTrue(oneLine(message).contains(replace ? "journal replaced" : "journal deleted"), message);
                    assertTrue(message.contains(journal.toString()), message);
                }
                finally
                {
                    process.destroyForcibly().waitFor();
                    out.delete();
                    err.delete();
                    IoUtil.delete(journal.toFile(), true);
                }
            }
        }
    }

    // 3. SIGTERM during append

    @Test
    void shouldCloseTheJournalCleanlyOnSigterm() throws Exception
    {
        shouldCloseTheJournalCleanlyOn("TERM");
    }

    @Test
    void shouldCloseTheJournalCleanlyOnCtrlC() throws Exception
    {
        shouldCloseTheJournalCleanlyOn("INT");
    }

    private void shouldCloseTheJournalCleanlyOn(final String signal) throws Exception
    {
        final File out = Files.createTempFile("varve-out", ".txt").toFile();
        final File err = Files.createTempFile("varve-err", ".txt").toFile();
        final Path journal = dir.resolve("j");
        try
        {
            final Process append = new ProcessBuilder(command(List.of(), List.of(), "append", "j", "--count",
                "1000000000", "--size", "100", "--segment-size", "1m", "--fsync", "none"))
                .directory(dir.toFile()).redirectOutput(out).redirectError(err).start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (segments(journal) < 4 && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertTrue(append.isAlive(), "still appending");
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(append.pid())).start().waitFor());
            assertTrue(append.waitFor(30, TimeUnit.SECONDS));
            final String printed = Files.readString(out.toPath());
            assertTrue(Files.readString(err.toPath()).contains("stopped by a signal"), Files.readString(err.toPath()));

            final long lastSequence;
            try (JournalReader reader = JournalReader.open(journal))
            {
                assertEquals(0, reader.metadata().writerPid(), "the writer closed the journal: " + printed);
                final long durable = reader.metadata().durablePositionFromSlots();
                final long[] last = {-1, -1};
                try (Tailer tailer = reader.tailer())
                {
                    while (tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                    {
                        last[0] = sequence;
                        last[1] = tailer.position();
                    }, 10_000) > 0)
                    {
                        // to the end
                    }
                }
                lastSequence = last[0];
                assertTrue(lastSequence > 0 && durable > last[1], "durable=" + durable + " last record at " + last[1]);
                assertTrue(printed.contains("sequences 0.." + lastSequence + ","), printed);
            }
            try (Journal reopened = Journal.open(new JournalContext().directory(journal)))
            {
                assertFalse(reopened.recoveryReport().droppedAnything(), reopened.recoveryReport().toString());
                assertEquals(lastSequence + 1, reopened.appender().nextSequence());
                assertEquals(reopened.appender().position(), reopened.durablePosition());
            }
        }
        finally
        {
            out.delete();
            err.delete();
        }
    }

    private static long segments(final Path journal) throws Exception
    {
        if (!Files.isDirectory(journal))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(journal))
        {
            return files.filter((file) -> file.toString().endsWith(".seg")).count();
        }
    }

    // 4. backup and restore destinations

    @Test
    void shouldRefuseABackupInsideItsSourceAndTakeABareRelativeDestination() throws Exception
    {
        final Path journal = journal("j0", 1000);
        final Result inside = varve("backup", "j0", "j0/b");
        assertEquals(2, inside.exit(), inside.toString());
        assertTrue(oneLine(inside.err()).contains("destination is inside the journal"), inside.err());
        assertFalse(Files.exists(journal.resolve("b")));
        assertEquals(0, varve("verify", "j0").exit(), "the journal is untouched");

        final Result relative = varve("backup", "j0", "b0");
        assertEquals(0, relative.exit(), relative.toString());
        assertEquals(0, varve("verify", "b0").exit());

        final Result restoreInside = varve("restore", "b0", "b0/r");
        assertEquals(2, restoreInside.exit(), restoreInside.toString());
        assertTrue(restoreInside.err().contains("destination is inside the backup"), restoreInside.err());
        final Result restore = varve("restore", "b0", "r0");
        assertEquals(0, restore.exit(), restore.toString());
    }

    @Test
    void shouldSayPermissionDeniedNamingTheFileWhenABackupCannotBeWritten() throws Exception
    {
        journal("j0", 100);
        IoUtil.delete(dir.resolve("j0").resolve("writer.lock").toFile(), true);
        Files.createDirectory(dir.resolve("ro"), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("r-xr-xr-x")));
        for (final Path file : List.of(dir.resolve("j0"), dir.resolve("j0").resolve("journal.meta")))
        {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        try (Stream<Path> files = Files.list(dir.resolve("j0")))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        final Result denied = varveAsNobody("backup", "j0", "ro/b0");
        assertEquals(2, denied.exit(), denied.toString());
        assertTrue(oneLine(denied.err()).contains("permission denied"), denied.err());
        assertTrue(denied.err().contains(dir.resolve("ro").toString()), denied.err());
    }

    @Test
    void shouldSayNoSpaceLeftWhenABackupDoesNotFit() throws Exception
    {
        journal("j0", 20_000); // about 2 MiB
        final Path small = dir.resolve("small");
        Files.createDirectory(small);
        assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small.toString())
            .redirectErrorStream(true).start().waitFor() == 0, "needs a small file system: mount -t tmpfs");
        try
        {
            final Result full = varve("backup", "j0", "small/b0");
            assertEquals(2, full.exit(), full.toString());
            assertTrue(oneLine(full.err()).contains("No space left on device"), full.err());
            assertTrue(full.err().contains(small.toString()), full.err());
            try (Stream<Path> files = Files.list(small))
            {
                assertEquals(0, files.count(), "no half-made backup left behind");
            }
        }
        finally
        {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    // 5. permissions

    @Test
    void shouldSayPermissionDeniedNamingTheFileOrDirectory() throws Exception
    {
        final Path journal = journal("j", 100);
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwx------"));
        final Result directory = varveAsNobody("tail", "j");
        assertEquals(2, directory.exit(), directory.toString());
        assertTrue(oneLine(directory.err()).contains("permission denied"), directory.err());
        assertTrue(directory.err().contains(journal.toString()), directory.err());

        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(journal.resolve("journal.meta"), PosixFilePermissions.fromString("rw-------"));
        final Result metadata = varveAsNobody("stat", "j");
        assertEquals(2, metadata.exit(), metadata.toString());
        assertTrue(oneLine(metadata.err()).contains("permission denied"), metadata.err());
        assertTrue(metadata.err().contains(journal.resolve("journal.meta").toString()), metadata.err());

        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        final Path segment = journal.resolve("00000000000000000000.seg");
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-------"));
        final Result unreadableSegment = varveAsNobody("tail", "j");
        assertEquals(2, unreadableSegment.exit(), unreadableSegment.toString());
        assertTrue(oneLine(unreadableSegment.err()).contains("permission denied"), unreadableSegment.err());
        assertTrue(unreadableSegment.err().contains(segment.toString()), unreadableSegment.err());

        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(journal.resolve("writer.lock"), PosixFilePermissions.fromString("rw-r--r--"));
        final Result readOnlyDirectory = varveAsNobody("append", "j", "--count", "1", "--size", "64");
        assertEquals(2, readOnlyDirectory.exit(), readOnlyDirectory.toString());
        assertTrue(oneLine(readOnlyDirectory.err()).contains("permission denied"), readOnlyDirectory.err());
        assertTrue(readOnlyDirectory.err().contains("directory=" + journal + ";"), readOnlyDirectory.err());

        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxrwxrwx"));
        final Result lock = varveAsNobody("append", "j", "--count", "1", "--size", "64");
        assertEquals(2, lock.exit(), lock.toString());
        assertTrue(oneLine(lock.err()).contains("permission denied"), lock.err());
        assertTrue(lock.err().contains(journal.resolve("writer.lock").toString()), lock.err());

        Files.setPosixFilePermissions(journal.resolve("writer.lock"), PosixFilePermissions.fromString("rw-rw-rw-"));
        final Result meta = varveAsNobody("append", "j", "--count", "1", "--size", "64");
        assertEquals(2, meta.exit(), meta.toString());
        assertTrue(oneLine(meta.err()).contains("permission denied"), meta.err());
        assertTrue(meta.err().contains(journal.resolve("journal.meta").toString()), meta.err());
    }

    // 6. parsing

    @Test
    void shouldClampTimesAndRefuseBadOrConflictingStarts() throws Exception
    {
        journal("j", 100);
        final Result early = varve("tail", "j", "--from", "time:1500-01-01T00:00:00Z");
        assertEquals(0, early.exit(), early.toString());
        assertEquals(100, early.out().lines().count(), "a time before the first record starts at the first");
        final Result late = varve("tail", "j", "--from", "time:3000-01-01T00:00:00Z");
        assertEquals(0, late.exit(), late.toString());
        assertEquals(0, late.out().lines().count(), "a time after the last record is the end");

        final Result negative = varve("tail", "j", "--from", "seq:-1");
        assertEquals(2, negative.exit(), negative.toString());
        assertTrue(oneLine(negative.err()).contains("seq:-1"), negative.err());
        final Result conflict = varve("tail", "j", "--last", "2", "--from", "seq:5");
        assertEquals(2, conflict.exit(), conflict.toString());
        assertTrue(oneLine(conflict.err()).contains("--last and --from"), conflict.err());
    }

    @Test
    void shouldPrintTheLastRecordsOfAType() throws Exception
    {
        final Path journal = dir.resolve("j");
        try (Journal writer = Journal.open(new JournalContext().directory(journal).segmentLength(64 * 1024)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 1000; i++)
            {
                writer.appender().append(payload, 0, 16, i % 10 == 0 ? 7 : 1); // every tenth record is of type 7
            }
        }
        final Result last = varve("tail", "j", "--last", "3", "--type", "7");
        assertEquals(0, last.exit(), last.toString());
        assertEquals(List.of("seq=970", "seq=980", "seq=990"),
            last.out().lines().map((line) -> line.split(" ")[0]).toList(), last.out());
    }

    // 7. append, compact and tune arguments

    @Test
    void shouldRefuseAnEmptyDirectoryArgumentAndAForeignDirectoryWithoutWritingThere() throws Exception
    {
        final Result empty = varve("append", "", "--count", "1", "--size", "8");
        assertEquals(2, empty.exit(), empty.toString());
        assertFalse(Files.exists(dir.resolve("writer.lock")), "nothing in the working directory");
        assertFalse(Files.exists(dir.resolve("journal.meta")), "nothing in the working directory");

        Files.createDirectory(dir.resolve("photos"));
        Files.writeString(dir.resolve("photos").resolve("cat.jpg"), "meow");
        final Result foreign = varve("append", "photos", "--count", "1", "--size", "8");
        assertEquals(2, foreign.exit(), foreign.toString());
        assertTrue(oneLine(foreign.err()).contains("not a journal and not empty"), foreign.err());
        try (Stream<Path> files = Files.list(dir.resolve("photos")))
        {
            assertEquals(List.of("cat.jpg"), files.map((file) -> file.getFileName().toString()).toList());
        }
    }

    @Test
    void shouldSayWhatLimitsTheRecordSizeAndLeaveNothingBehind() throws Exception
    {
        final Result huge = varve("append", "a", "--count", "1", "--size", "3g");
        assertEquals(2, huge.exit(), huge.toString());
        assertTrue(oneLine(huge.err()).contains("must fit in one segment") && huge.err().contains("at most 1g"),
            huge.err());
        assertFalse(huge.err().contains("at least 8"), huge.err());

        final Result tooBig = varve("append", "b", "--count", "1", "--size", "100k", "--segment-size", "64k");
        assertEquals(2, tooBig.exit(), tooBig.toString());
        assertTrue(oneLine(tooBig.err()).contains("--segment-size 128k"), tooBig.err());
        assertFalse(tooBig.err().contains("varve.max.record.length"), tooBig.err());
        assertFalse(Files.exists(dir.resolve("b")), "no journal left behind");

        final Result segment = varve("append", "c", "--count", "1", "--size", "64", "--segment-size", "2g");
        assertEquals(2, segment.exit(), segment.toString());
        assertTrue(oneLine(segment.err()).contains("segment-size=2g") && segment.err().contains("64k to 1g"),
            segment.err());
        assertFalse(Files.exists(dir.resolve("c")));
    }

    @Test
    void shouldAppendRecordsLargerThanTheHeapOrRefuseCleanly() throws Exception
    {
        final Result fits = run(new ProcessBuilder(command(List.of(), List.of("-Xmx64m"), "append", "big",
            "--count", "1", "--size", "100m", "--segment-size", "128m")).directory(dir.toFile()));
        assertEquals(0, fits.exit(), fits.toString());
        assertEquals(0, varve("verify", "big").exit());

        final Result refused = run(new ProcessBuilder(command(List.of(), List.of("-Xmx64m"), "append", "big2",
            "--count", "2", "--size", "500m")).directory(dir.toFile()));
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(oneLine(refused.err()).contains("--segment-size 512m"), refused.err());
    }

    @Test
    void shouldRefuseANegativeTombstoneGraceAndTuneForTheJournalsSegments() throws Exception
    {
        journal("j", 10);
        final Result grace = varve("compact", "j", "--tombstone-grace", "-PT1H");
        assertEquals(2, grace.exit(), grace.toString());
        assertTrue(oneLine(grace.err()).contains("must not be negative"), grace.err());

        final Result tune = varve("tune", "check", "j");
        assertTrue(tune.out().contains("a segment is 64 KiB"), tune.toString());
        final Result otherSize = varve("tune", "check", "j", "--segment-size", "1m");
        assertEquals(2, otherSize.exit(), otherSize.toString());
        assertTrue(oneLine(otherSize.err()).contains("segment-size=1m journal=64k"), otherSize.err());
    }

    // 8. keyed append

    @Test
    void shouldAppendKeyedRecordsWithTombstonesThatCompactionReduces() throws Exception
    {
        final Result append = varve("append", "k", "--count", "20000", "--size", "16", "--segment-size", "64k",
            "--keys", "10", "--tombstones", "10");
        assertEquals(0, append.exit(), append.toString());
        assertEquals(20000, varve("tail", "k").out().lines().count());
        final Result compact = varve("compact", "k", "--tombstone-grace", "PT0S");
        assertEquals(0, compact.exit(), compact.toString());
        assertTrue(compact.out().endsWith("; 10 keys\n"), compact.out());
        final long kept = Long.parseLong(compact.out().replaceAll("(?s).*kept ([0-9,]+) records.*", "$1")
            .replace(",", ""));
        assertTrue(kept <= 10, compact.out());
        assertTrue(varve("tail", "k").out().lines().count() < 20000 / 10, "compaction dropped superseded records");
        assertEquals(0, varve("verify", "k").exit());

        final Result badPercent = varve("append", "k2", "--count", "1", "--size", "16", "--keys", "3",
            "--tombstones", "101");
        assertEquals(2, badPercent.exit(), badPercent.toString());
        assertTrue(oneLine(badPercent.err()).contains("tombstones=101"), badPercent.err());
    }
}
