package io.varve.cli;

import io.varve.chronicle.ChronicleImport;
import io.varve.chronicle.ChronicleImportException;
import io.varve.chronicle.ImportReport;
import io.varve.chronicle.VerifyResult;
import io.varve.journal.JournalContext;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The body of {@code varve import-chronicle} in a JVM that has Chronicle's flags: the import with its progress bar,
 * the summary, the verification. Kept apart from {@link ImportChronicleCommand} so that the command's class refers
 * to no Chronicle class until it knows the flags are there.
 * <p>
 * Threading: one run per instance.
 */
final class ChronicleImportRun
{
    private final PrintStream out;
    private final PrintStream err;
    private final Path queue;
    private final Path journal;
    private final int type;
    private final Long segmentSize;
    private final boolean showProgress;

    ChronicleImportRun(
        final PrintStream out,
        final PrintStream err,
        final Path queue,
        final Path journal,
        final int type,
        final Long segmentSize,
        final boolean showProgress)
    {
        this.out = out;
        this.err = err;
        this.queue = queue;
        this.journal = journal;
        this.type = type;
        this.segmentSize = segmentSize;
        this.showProgress = showProgress;
    }

    int run(final boolean verify)
    {
        final JournalContext context = new JournalContext().directory(journal);
        if (segmentSize != null)
        {
            context.segmentLength(Math.toIntExact(segmentSize));
        }
        final ChronicleImport chronicleImport = new ChronicleImport(queue, context).type(type);
        final ImportReport report;
        try
        {
            report = showProgress ? runWithProgress(chronicleImport) : chronicleImport.run();
        }
        catch (final ChronicleImportException ex)
        {
            err.println("varve import-chronicle: " + ex.getMessage());
            return VarveCommand.USAGE_OR_IO;
        }
        catch (final InternalError ex)
        {
            return unreadableQueue(ex);
        }
        printSummary(report);
        if (!verify)
        {
            return VarveCommand.OK;
        }
        final VerifyResult result;
        try
        {
            result = chronicleImport.verify();
        }
        catch (final InternalError ex)
        {
            return unreadableQueue(ex);
        }
        if (!result.matches())
        {
            out.println("verify: MISMATCH after " + result.compared() + " matching records: " + result.mismatch());
            return VarveCommand.PROBLEM;
        }
        out.println("verify: OK: " + result.compared() + " records match the queue's excerpts, index and bytes" +
            (result.newerExcerpts() > 0 ? "; the queue has " + result.newerExcerpts() +
            " newer excerpts, not imported yet" : ""));
        return VarveCommand.OK;
    }

    /**
     * A mapped file shorter than Chronicle believes it is (a truncated cycle file) faults on access, which the JVM
     * reports as an {@link InternalError}; the records imported before it stay, and a run after the file is mended
     * continues from them.
     */
    private int unreadableQueue(final InternalError ex)
    {
        err.println("varve import-chronicle: cannot read the queue, a roll-cycle file is truncated or damaged: " +
            ex.getMessage() + ": queue=" + queue + "; the excerpts imported before it are kept in " + journal);
        return VarveCommand.USAGE_OR_IO;
    }

    private ImportReport runWithProgress(final ChronicleImport chronicleImport)
    {
        final long total = chronicleImport.queueExcerpts();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("import").setInitialMax(total)
            .setUnit(" excerpts", 1).showSpeed().setConsumer(new ConsoleProgressBarConsumer(err)).build())
        {
            final ImportReport report = chronicleImport.progress(bar::stepTo).run();
            bar.maxHint(report.alreadyImported() + report.imported());
            return report;
        }
    }

    private void printSummary(final ImportReport report)
    {
        final double seconds = report.nanos() / 1e9;
        if (report.alreadyImported() > 0)
        {
            out.printf("resumed: the journal already held %d imported excerpts%n", report.alreadyImported());
        }
        out.printf("imported %d excerpts (%d bytes) from %d roll cycles in %.3f s (%.0f excerpts/s)%n",
            report.imported(), report.bytes(), report.cycles(), seconds, report.imported() / Math.max(seconds, 1e-9));
        if (report.imported() > 0)
        {
            out.printf("first index 0x%x, last index 0x%x%n", report.firstIndex(), report.lastIndex());
        }
        out.printf("journal %s: %d records; each record's key is its excerpt's Chronicle index%n", journal,
            report.alreadyImported() + report.imported());
        if (report.stoppedAtIncomplete())
        {
            out.printf("the queue is still being written: imported up to its last complete excerpt, index 0x%x; " +
                "run again to import what follows%n", report.lastIndex());
        }
    }
}
