package io.varve.cli;

import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.VerifyReport;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code varve verify}: checks every frame's CRC and the segment chain with recovery's rule. Exit 0 when clean
 * (damage beyond the durable position, a torn unsynced tail, is a warning; a file the journal deletes on its next
 * open is a note), 1 when anything below the durable position is bad, a segment is missing or truncated, or a file
 * that would make opening refuse is there (the first error is printed first as {@code FILE OFFSET REASON}), 2 for
 * usage or I/O errors. It reads on past damage and says, segment by segment, how far it reaches; it counts records
 * written without checksums apart, as not checked.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check every frame's CRC32C and the segment chain; exit 1 when durable data is damaged.")
final class VerifyCommand implements Callable<Integer>
{
    /** Journals of at least this many bytes get a progress bar unless --no-progress. */
    static final long PROGRESS_THRESHOLD = 256L * 1024 * 1024;

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    @Option(names = "--progress", negatable = true,
        description = "Show a progress bar with bytes/s (default: for journals of 256 MiB or more).")
    private Boolean progress;

    public Integer call()
    {
        if (!Files.isDirectory(directory))
        {
            parent.err.println("varve verify: not a directory: " + directory);
            return VarveCommand.USAGE_OR_IO;
        }
        if (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)) && isEmptyOfSegments())
        {
            parent.err.println("varve verify: not a journal (no " + JournalDirectoryLayout.METADATA_FILE + "): " +
                directory);
            return VarveCommand.USAGE_OR_IO;
        }
        final long start = System.nanoTime();
        final long total = segmentBytes();
        final boolean showProgress = progress != null ? progress : total >= PROGRESS_THRESHOLD;
        final VerifyReport report;
        if (showProgress)
        {
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("verify").setInitialMax(total >> 20)
                .setUnit(" MiB", 1).showSpeed().setConsumer(new ConsoleProgressBarConsumer(parent.err)).build())
            {
                report = new JournalVerifier(directory, Set.of()).progress((bytes) -> bar.stepTo(bytes >> 20))
                    .verify();
                bar.stepTo(total >> 20);
            }
        }
        else
        {
            report = new JournalVerifier(directory, Set.of()).verify();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        print(parent.out, report, seconds);
        return report.hasErrors() ? VarveCommand.PROBLEM : VarveCommand.OK;
    }

    private static void print(final PrintStream out, final VerifyReport report, final double seconds)
    {
        final VerifyReport.Finding firstError = report.firstError();
        if (firstError != null)
        {
            out.println(firstError);
        }
        for (final VerifyReport.Finding finding : report.findings())
        {
            if (finding != firstError)
            {
                out.println(finding.severity() + ": " + finding);
            }
        }
        printLaterSegments(out, report);
        if (report.uncheckedRecords() > 0)
        {
            out.printf("NOT CHECKED: %d of %d records were written without checksums (--no-checksums): their " +
                "structure was checked, their bytes could not be%n", report.uncheckedRecords(), report.records());
        }
        final long checkedBytes = report.bytes() - report.uncheckedBytes();
        out.printf("%s: %d segments%s, %d records%s, %d bytes checked in %.3f s (%.2f GB/s); " +
            "end position %d, durable position %d%n",
            report.hasErrors() ? "DAMAGED" : "OK", report.segments(),
            report.allocatedAhead() > 0 ? " (+" + report.allocatedAhead() + " allocated ahead, not started)" : "",
            report.records(),
            report.uncheckedRecords() > 0 ? " (" + report.uncheckedRecords() + " NOT checked: no checksums)" : "",
            checkedBytes, seconds, checkedBytes / Math.max(seconds, 1e-9) / 1e9, report.endPosition(),
            report.durablePosition());
    }

    /**
     * After the first damaged segment, whether each later one is intact, so the user sees how far damage reaches.
     */
    private static void printLaterSegments(final PrintStream out, final VerifyReport report)
    {
        final List<VerifyReport.SegmentResult> results = report.segmentResults();
        int first = -1;
        for (int i = 0; i < results.size() && first < 0; i++)
        {
            final VerifyReport.Verdict verdict = results.get(i).verdict();
            first = verdict == VerifyReport.Verdict.DAMAGED || verdict == VerifyReport.Verdict.TORN ||
                verdict == VerifyReport.Verdict.MISSING ? i : -1;
        }
        if (first < 0 || first == results.size() - 1)
        {
            return;
        }
        final int[] counts = new int[VerifyReport.Verdict.values().length];
        for (int i = first + 1; i < results.size(); i++)
        {
            final VerifyReport.SegmentResult result = results.get(i);
            counts[result.verdict().ordinal()]++;
            out.printf("  after the damage: %s %s, %d records%n", result.file().getFileName(),
                result.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '), result.records());
        }
        out.printf("segments after the first damaged one (%s): %d intact, %d damaged, %d torn, %d missing, " +
            "%d allocated ahead%n", results.get(first).file().getFileName(),
            counts[VerifyReport.Verdict.INTACT.ordinal()], counts[VerifyReport.Verdict.DAMAGED.ordinal()],
            counts[VerifyReport.Verdict.TORN.ordinal()], counts[VerifyReport.Verdict.MISSING.ordinal()],
            counts[VerifyReport.Verdict.ALLOCATED_AHEAD.ordinal()]);
    }

    private long segmentBytes()
    {
        try (var entries = Files.list(directory))
        {
            return entries.filter((path) -> path.getFileName().toString().endsWith(
                JournalDirectoryLayout.SEGMENT_SUFFIX)).mapToLong((path) -> path.toFile().length()).sum();
        }
        catch (final java.io.IOException ex)
        {
            return 0;
        }
    }

    private boolean isEmptyOfSegments()
    {
        try (var entries = Files.list(directory))
        {
            return entries.noneMatch((path) -> path.getFileName().toString().endsWith(
                JournalDirectoryLayout.SEGMENT_SUFFIX));
        }
        catch (final java.io.IOException ex)
        {
            return true;
        }
    }
}
