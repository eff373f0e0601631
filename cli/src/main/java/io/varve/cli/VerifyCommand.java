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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code varve verify}: checks every frame's CRC and the segment chain with recovery's rule. Exit 0 when clean
 * (damage beyond the durable position, a torn unsynced tail, is a warning), 1 when anything below the durable
 * position is bad or a segment is missing, truncated or foreign (the first bad frame is printed as
 * {@code FILE OFFSET REASON}), 2 for usage or I/O errors.
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
        final VerifyReport.Finding firstError = report.firstError();
        if (firstError != null)
        {
            parent.out.println(firstError);
        }
        for (final VerifyReport.Finding finding : report.findings())
        {
            if (finding != firstError)
            {
                parent.out.println(finding.severity() + ": " + finding);
            }
        }
        parent.out.printf("%s: %d segments, %d records, %d bytes checked in %.3f s (%.2f GB/s); " +
            "end position %d, durable position %d%n",
            report.hasErrors() ? "DAMAGED" : "OK", report.segments(), report.records(), report.bytes(), seconds,
            report.bytes() / Math.max(seconds, 1e-9) / 1e9, report.endPosition(), report.durablePosition());
        return report.hasErrors() ? VarveCommand.PROBLEM : VarveCommand.OK;
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
