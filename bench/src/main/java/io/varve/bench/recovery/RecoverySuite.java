package io.varve.bench.recovery;

import io.varve.bench.BenchSystem;
import io.varve.bench.ChildJvm;
import io.varve.bench.EmbeddedArchive;
import io.varve.bench.MemoryState;
import io.varve.bench.RunDirectory;
import io.varve.bench.SuitePlan;
import io.varve.journal.JournalConfiguration;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures recovery and verification: for each case a child JVM writes a journal of the plan's size and then
 * closes it or is killed with SIGKILL; a fresh child JVM then times the open, and for a clean journal a third
 * times a full verification. The data stays in the page cache throughout, as it does after a process crash.
 * Cases run in turn, system after system, round after round.
 * <p>
 * Threading: one thread.
 */
public final class RecoverySuite
{
    private static final long CHILD_TIMEOUT_SECONDS = 600;
    private static final Pattern FIELD = Pattern.compile("([A-Z_]+)=(\\S+)");

    private final SuitePlan plan;
    private final Path output;
    private final Path dataDirectory;
    private final PrintStream progress;

    /**
     * A recovery suite.
     *
     * @param plan          of the run.
     * @param results       the results folder.
     * @param dataDirectory where the journals go.
     * @param progress      where one line per case goes.
     */
    public RecoverySuite(final SuitePlan plan, final Path results, final Path dataDirectory, final PrintStream progress)
    {
        this.plan = plan;
        this.output = results.resolve("recovery");
        this.dataDirectory = dataDirectory;
        this.progress = progress;
    }

    /**
     * The cases of a plan, in the order they run within a round.
     *
     * @param plan of the run.
     * @return the cases.
     */
    public static List<RecoveryCase> cases(final SuitePlan plan)
    {
        final List<RecoveryCase> cases = new ArrayList<>();
        for (final int size : plan.recoverySizes())
        {
            cases.add(new RecoveryCase(BenchSystem.VARVE, size, false, "none", true));
            cases.add(new RecoveryCase(BenchSystem.CHRONICLE, size, false, "none", true));
            cases.add(new RecoveryCase(BenchSystem.AERON, size, false, "none", true));
            cases.add(new RecoveryCase(BenchSystem.VARVE, size, true, "none", true));
            cases.add(new RecoveryCase(BenchSystem.CHRONICLE, size, true, "none", true));
            cases.add(new RecoveryCase(BenchSystem.AERON, size, true, "none", true));
            cases.add(new RecoveryCase(BenchSystem.VARVE, size, true, "none", false));
            cases.add(new RecoveryCase(BenchSystem.VARVE, size, true, "periodic:10", true));
        }
        return cases;
    }

    /**
     * Run every case for the plan's rounds.
     *
     * @return one result per case and round.
     */
    public List<RecoveryResult> run()
    {
        try
        {
            Files.createDirectories(output);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<RecoveryResult> results = new ArrayList<>();
        for (int round = 1; round <= plan.recoveryRounds(); round++)
        {
            for (final RecoveryCase recoveryCase : cases(plan))
            {
                results.add(runCase(recoveryCase, round));
            }
        }
        return results;
    }

    private RecoveryResult runCase(final RecoveryCase recoveryCase, final int round)
    {
        final String name = recoveryCase.id() + "-r" + round;
        final Path journal = dataDirectory.resolve("recovery-" + name);
        final Path log = output.resolve(name + ".log");
        final List<String> properties = List.of();
        final long start = System.nanoTime();
        try
        {
            MemoryState.prepare(dataDirectory, plan.recoveryBytes() + plan.recoveryBytes() / 4, true,
                MemoryState.Mode.valueOf(plan.memory().toUpperCase(java.util.Locale.ROOT)));
            final String written;
            try (ChildJvm writer = ChildJvm.start(ChildJvm.command(recoveryCase.system(), properties,
                RecoveryMain.class, List.of("--step=write", "--system=" + recoveryCase.system(), "--dir=" + journal,
                "--bytes=" + plan.recoveryBytes(), "--size=" + recoveryCase.size(),
                "--fsync=" + recoveryCase.fsync(), "--end=" + (recoveryCase.killed() ? "kill" : "clean"))), log))
            {
                written = writer.awaitLine("WRITTEN", CHILD_TIMEOUT_SECONDS);
                if (recoveryCase.killed())
                {
                    writer.awaitLine("READY", CHILD_TIMEOUT_SECONDS);
                    writer.kill();
                }
                else
                {
                    writer.awaitSuccess(CHILD_TIMEOUT_SECONDS);
                }
            }
            final long bytes = Long.parseLong(field(written, "bytes"));
            final String opened = step(recoveryCase, "open", journal, log);
            final long openNanos = Long.parseLong(field(opened, "OPEN_NANOS"));
            final long scanned = opened.contains("SCANNED=") ? Long.parseLong(field(opened, "SCANNED")) : -1;
            final int attempts = opened.contains("ATTEMPTS=") ? Integer.parseInt(field(opened, "ATTEMPTS")) : 1;
            long verifyNanos = -1;
            if (!recoveryCase.killed() && recoveryCase.system() != BenchSystem.CHRONICLE)
            {
                final String verified = step(recoveryCase, "verify", journal, log);
                if (!"false".equals(field(verified, "ERRORS")))
                {
                    throw new IllegalStateException("verify found errors in a clean journal: " + verified);
                }
                verifyNanos = Long.parseLong(field(verified, "VERIFY_NANOS"));
            }
            final RecoveryResult result = new RecoveryResult(
                recoveryCase, round, bytes, openNanos, scanned, attempts, verifyNanos);
            progress.printf("  %-30s r%d  open %8.1f ms%s  (%.0f s)%n", recoveryCase.title(), round,
                openNanos / 1e6, verifyNanos < 0 ? "" :
                String.format(java.util.Locale.ROOT, "  verify %.2f GB/s", result.verifyGigabytesPerSecond()),
                (System.nanoTime() - start) / 1e9);
            return result;
        }
        finally
        {
            RunDirectory.deleteTree(journal);
            EmbeddedArchive.deleteStaleDriverDirectories();
        }
    }

    private String step(final RecoveryCase recoveryCase, final String step, final Path journal, final Path log)
    {
        final List<String> properties = recoveryCase.system() == BenchSystem.VARVE ?
            List.of("-D" + JournalConfiguration.FULL_RECOVERY_SCAN_PROP_NAME + "=" + recoveryCase.fullScan()) :
            List.of();
        try (ChildJvm child = ChildJvm.start(ChildJvm.command(recoveryCase.system(), properties, RecoveryMain.class,
            List.of("--step=" + step, "--system=" + recoveryCase.system(), "--dir=" + journal,
            "--size=" + recoveryCase.size())), log))
        {
            final String marker = "open".equals(step) ? "OPEN_NANOS" : "VERIFY_NANOS";
            final String line = child.awaitLine(marker, CHILD_TIMEOUT_SECONDS);
            child.awaitSuccess(CHILD_TIMEOUT_SECONDS);
            return line;
        }
    }

    private static String field(final String line, final String name)
    {
        final Matcher matcher = FIELD.matcher(line.replace("bytes=", "BYTES=").replace("records=", "RECORDS="));
        final String wanted = name.toUpperCase(java.util.Locale.ROOT);
        while (matcher.find())
        {
            if (matcher.group(1).equals(wanted))
            {
                return matcher.group(2);
            }
        }
        throw new IllegalStateException("no " + name + " in: " + line);
    }

    /**
     * One recovery case.
     *
     * @param system   measured.
     * @param size     of each record.
     * @param killed   true when the writer is killed with SIGKILL, false for a clean close.
     * @param fsync    Varve's fsync policy while writing.
     * @param fullScan Varve opens with a full recovery scan from the durable position (the default, and what a
     *                 reboot always gets), or reads only the last segment's tail on the writer's own boot
     *                 ({@code fullRecoveryScan(false)}).
     */
    public record RecoveryCase(BenchSystem system, int size, boolean killed, String fsync, boolean fullScan)
    {
        /**
         * Short name, for files.
         *
         * @return the id.
         */
        public String id()
        {
            return system.name().toLowerCase(java.util.Locale.ROOT) + "-" + size + "-" +
                (killed ? "kill" : "clean") + ("none".equals(fsync) ? "" : "-" + fsync.replace(':', '-')) +
                (fullScan ? "" : "-tail-only");
        }

        /**
         * Heading for the summary.
         *
         * @return the title.
         */
        public String title()
        {
            return system.displayName() + ", " + size + " B, " + (killed ? "SIGKILL" : "clean close") +
                (system == BenchSystem.VARVE ? ", fsync " + fsync : "") +
                (fullScan ? "" : ", tail only (fullRecoveryScan(false), writer's own boot)");
        }
    }

    /**
     * What one case measured.
     *
     * @param recoveryCase measured.
     * @param round        1-based repetition.
     * @param bytes        of log written.
     * @param openNanos    time to open for append.
     * @param scannedBytes bytes Varve's recovery read, or -1.
     * @param attempts     launches the open took: Aeron Archive refuses to start while its mark file looks active.
     * @param verifyNanos  time of a full verification, or -1 when not run.
     */
    public record RecoveryResult(
        RecoveryCase recoveryCase,
        int round,
        long bytes,
        long openNanos,
        long scannedBytes,
        int attempts,
        long verifyNanos)
    {
        /**
         * Verification speed.
         *
         * @return GB/s (10^9 bytes), or NaN when not run.
         */
        public double verifyGigabytesPerSecond()
        {
            return verifyNanos > 0 ? (double)bytes / verifyNanos : Double.NaN;
        }
    }
}
