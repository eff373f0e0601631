package io.varve.cli;

import io.varve.journal.backup.JournalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code varve restore}: copies a backup into a new journal directory and verifies it. (A backup is itself a journal
 * and can also be opened where it is.)
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Copy a backup into a new journal directory, then verify it.")
final class RestoreCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "BACKUP", description = "Directory made by varve backup.")
    private Path backup;

    @Parameters(index = "1", paramLabel = "DIR", description = "New journal directory; must not exist.")
    private Path destination;

    public Integer call()
    {
        return BackupCommand.print(parent.out, "restore", JournalBackup.restore(backup, destination));
    }
}
