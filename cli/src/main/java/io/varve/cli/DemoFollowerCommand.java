package io.varve.cli;

import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.BackoffIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The demo's tailer, run in a second JVM: follows the journal live from the start until it has seen every record,
 * checking each one's sequence and payload, and prints one line with what it saw.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "demo-follower", hidden = true, description = "The varve demo's tailer (runs in its own JVM).")
final class DemoFollowerCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0")
    private Path directory;

    @Parameters(index = "1")
    private long count;

    @Parameters(index = "2")
    private int size;

    public Integer call() throws Exception
    {
        parent.out.println("READY");
        parent.out.flush();
        while (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            Thread.sleep(1);
        }
        final long[] next = {-1};
        final long[] bad = {0};
        long firstNanos = 0;
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        try (JournalReader reader = JournalReader.open(directory); Tailer tailer = reader.tailer())
        {
            next[0] = tailer.nextSequence();
            final long end = next[0] + count;
            while (next[0] < end)
            {
                final int delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    if (sequence != next[0] || length != size ||
                        buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN) != sequence)
                    {
                        bad[0]++;
                    }
                    next[0]++;
                }, 4096);
                if (delivered == 0)
                {
                    idle.idle();
                }
                else
                {
                    idle.reset();
                    if (firstNanos == 0)
                    {
                        firstNanos = System.nanoTime();
                    }
                }
            }
        }
        final double seconds = Math.max(System.nanoTime() - firstNanos, 1) / 1e9;
        parent.out.printf("%,d records received live at %,.0f records/s; every record once, in order: %s%n",
            count, count / seconds, bad[0] == 0 ? "YES" : "NO (" + bad[0] + " wrong)");
        return bad[0] == 0 ? VarveCommand.OK : VarveCommand.PROBLEM;
    }
}
