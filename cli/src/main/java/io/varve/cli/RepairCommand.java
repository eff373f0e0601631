package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.WriterLockedException;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.recovery.JournalRecovery;
import io.varve.journal.recovery.RecoveryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/**
 * {@code varve repair DIR}: what a repair would drop, without changing a byte (the default, a dry run), or, with
 * {@code --apply}, the repair itself: the journal is opened under its writer lock with
 * {@link RecoveryMode#TRUNCATE_CORRUPTION}, truncated at the first damage, and the exact report printed and appended
 * to {@code repair.log}.
 * <p>
 * Exit codes: dry run 0 when there is nothing to repair, 1 when there is damage a repair would drop data for; with
 * {@code --apply} 0 once repaired (or nothing to do), 1 when the journal cannot be repaired (damaged metadata or
 * first segment); 2 for usage errors, I/O errors, or a writer holding the journal.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "repair", mixinStandardHelpOptions = true,
    description = "Show what repairing a damaged journal would drop (changes nothing); --apply truncates it at the " +
        "first damage and records what was dropped in repair.log.")
final class RepairCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    @Option(names = "--apply", description = "Repair: truncate at the first damage (default: only show what a " +
        "repair would do).")
    private boolean apply;

    public Integer call()
    {
        if (!Files.isDirectory(directory))
        {
            parent.err.println("varve repair: not a directory: " + directory);
            return VarveCommand.USAGE_OR_IO;
        }
        if (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            parent.err.println("varve repair: not a journal (no " + JournalDirectoryLayout.METADATA_FILE + "): " +
                directory);
            return VarveCommand.USAGE_OR_IO;
        }
        return apply ? repair() : plan();
    }

    private int plan()
    {
        if (writerHoldsLock())
        {
            parent.err.println("varve repair: a writer has the journal open: " + directory +
                "; its live tail is not damage: close it first");
            return VarveCommand.USAGE_OR_IO;
        }
        final RecoveryReport report;
        try
        {
            report = JournalRecovery.plan(directory);
        }
        catch (final JournalCorruptionException ex)
        {
            parent.out.println("CANNOT REPAIR: " + ex.getMessage());
            return VarveCommand.PROBLEM;
        }
        if (!report.droppedAnything())
        {
            return nothingToRepair(report);
        }
        print("WOULD DROP", report);
        parent.out.println("nothing was changed; run 'varve repair --apply " + directory + "' to repair");
        return VarveCommand.PROBLEM;
    }

    private int repair()
    {
        final RecoveryReport report;
        try (Journal journal = Journal.open(new JournalContext().directory(directory)
            .recoveryMode(RecoveryMode.TRUNCATE_CORRUPTION)))
        {
            report = journal.recoveryReport();
        }
        catch (final WriterLockedException ex)
        {
            parent.err.println("varve repair: " + ex.getMessage());
            return VarveCommand.USAGE_OR_IO;
        }
        catch (final JournalCorruptionException ex)
        {
            parent.out.println("CANNOT REPAIR: " + ex.getMessage());
            return VarveCommand.PROBLEM;
        }
        if (!report.droppedAnything())
        {
            return nothingToRepair(report);
        }
        print("DROPPED", report);
        if (report.repairLog() != null)
        {
            parent.out.println("recorded in " + report.repairLog());
        }
        return VarveCommand.OK;
    }

    private int nothingToRepair(final RecoveryReport report)
    {
        parent.out.println("OK: nothing to repair; the journal ends at position " + report.endPosition() +
            ", next sequence " + report.nextSequence());
        return VarveCommand.OK;
    }

    private void print(final String verb, final RecoveryReport report)
    {
        if (report.truncatedFile() != null)
        {
            parent.out.println((report.corruptionRepaired() ? "DAMAGED: " : "TORN TAIL: ") + report.truncatedFile() +
                " " + report.truncatedOffset() + " " + report.reason());
        }
        final StringBuilder line = new StringBuilder(verb).append(": records=").append(report.droppedRecordsText());
        if (report.droppedRecords() > 0)
        {
            line.append(" firstSequence=").append(report.firstDroppedSequence())
                .append(" lastSequence=").append(report.lastDroppedSequence());
        }
        line.append(" bytes=").append(report.droppedBytes());
        if (!report.deletedFiles().isEmpty())
        {
            line.append(" deletedFiles=").append(report.deletedFiles());
        }
        parent.out.println(line);
        parent.out.println("journal " + (report.planOnly() ? "would end" : "ends") + " at position " +
            report.endPosition() + ", next sequence " + report.nextSequence() +
            (report.droppedRecords() > 0 && report.nextSequence() > report.firstDroppedSequence() ?
            " (sequences " + report.firstDroppedSequence() + ".." + (report.nextSequence() - 1) +
            " are never handed out again)" : ""));
    }

    /**
     * Whether a writer holds the journal's lock, found without taking it for longer than the test and without
     * writing to the lock file (as opening a journal would).
     */
    private boolean writerHoldsLock()
    {
        final Path file = directory.resolve(JournalDirectoryLayout.LOCK_FILE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            try (FileLock lock = channel.tryLock())
            {
                return lock == null;
            }
            catch (final OverlappingFileLockException ex)
            {
                return true;
            }
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
