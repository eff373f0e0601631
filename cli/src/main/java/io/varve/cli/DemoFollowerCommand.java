package io.varve.cli;

import io.varve.cli.demo.Portfolio;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.state.SnapshotStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The demo's tailer, run in a second JVM: follows the journal live with a named tailer and rebuilds the portfolio
 * from the fills until the end record, then prints one line with the portfolio's digest.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "demo-follower", hidden = true, description = "The varve demo's tailer (runs in its own JVM).")
final class DemoFollowerCommand implements Callable<Integer>
{
    private static final long SNAPSHOT_INTERVAL_NANOS = 1_000_000_000L;

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0")
    private Path directory;

    public Integer call() throws Exception
    {
        parent.out.println("READY");
        parent.out.flush();
        while (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            Thread.sleep(1);
        }
        final Portfolio portfolio = new Portfolio();
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        final UnsafeBuffer state = new UnsafeBuffer(new byte[Portfolio.ENCODED_LENGTH]);
        int snapshots = 0;
        try (JournalReader reader = JournalReader.open(directory);
            Tailer tailer = reader.tailer(DemoCommand.TAILER_NAME))
        {
            final SnapshotStore store = new SnapshotStore(
                directory.resolve(JournalDirectoryLayout.SNAPSHOTS_DIRECTORY), reader.metadata().journalId(), 3);
            long nextSnapshot = System.nanoTime() + SNAPSHOT_INTERVAL_NANOS;
            while (!portfolio.ended())
            {
                idle.idle(tailer.poll(portfolio, 4096));
                if (System.nanoTime() - nextSnapshot >= 0)
                {
                    // the state covers every record the tailer has applied
                    store.write(tailer.nextSequence(), state, 0, portfolio.encode(state, 0));
                    snapshots++;
                    nextSnapshot = System.nanoTime() + SNAPSHOT_INTERVAL_NANOS;
                }
            }
        }
        parent.out.println("FOLLOWER " + portfolio + " snapshots=" + snapshots);
        parent.out.flush();
        return VarveCommand.OK;
    }
}
