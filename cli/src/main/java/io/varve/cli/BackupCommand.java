package io.varve.cli;

import io.varve.journal.backup.BackupReport;
import io.varve.journal.backup.JournalBackup;
import io.varve.journal.recovery.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code varve backup}: copies a consistent journal (every segment up to the durable position) while its writer
 * keeps appending, then verifies the copy. Exit 0 when the copy verifies clean, 1 when it does not, 2 for usage or
 * I/O errors.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Copy a consistent journal while the writer keeps appending, then verify the copy.")
final class BackupCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path source;

    @Parameters(index = "1", paramLabel = "DEST", description = "New directory for the copy; must not exist.")
    private Path destination;

    public Integer call()
    {
        return print(parent.out, "backup", JournalBackup.backup(source, destination));
    }

    static int print(final PrintStream out, final String what, final BackupReport report)
    {
        final VerifyReport verification = report.verification();
        final double seconds = report.durationNanos() / 1e9;
        out.printf("%s: %d segments, %,d bytes up to position %d into %s in %.3f s (%.0f MB/s)%n", what,
            report.segments(), report.bytes(), report.endPosition(), report.destination(), seconds,
            report.bytes() / Math.max(seconds, 1e-9) / 1e6);
        for (final VerifyReport.Finding finding : verification.findings())
        {
            out.println(finding.severity() + ": " + finding);
        }
        out.printf("verify: %s, %d records%n", verification.hasErrors() ? "DAMAGED" : "OK", verification.records());
        return verification.hasErrors() ? VarveCommand.PROBLEM : VarveCommand.OK;
    }
}
