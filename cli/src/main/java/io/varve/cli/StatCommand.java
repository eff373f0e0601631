package io.varve.cli;

import io.varve.journal.VarveException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.NamedTailerInfo;
import io.varve.journal.recovery.JournalStructure;
import io.varve.journal.storage.MetadataFile;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code varve stat}: the journal's live counters, named tailers and last error, read from the metadata file
 * without locks while the writer runs, like Aeron's AeronStat, then what the structural check shared with
 * {@code varve verify} finds ({@code DAMAGED: FILE: REASON}); exit 1 when the last look found damage.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Print the journal's live counters, tailers and last error; --watch repeats.")
final class StatCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    @Option(names = "--watch", paramLabel = "SECONDS", description = "Repeat every SECONDS until interrupted.")
    private Double watch;

    @Option(names = "--iterations", paramLabel = "N", hidden = true, description = "With --watch, stop after N.")
    private long iterations = Long.MAX_VALUE;

    public Integer call() throws InterruptedException
    {
        if (watch != null && !(watch > 0))
        {
            parent.err.println("varve stat: --watch must be a positive number of seconds: watch=" + watch);
            return VarveCommand.USAGE_OR_IO;
        }
        boolean damaged = false;
        try (JournalReader reader = JournalReader.open(directory))
        {
            final JournalWatch journalWatch = new JournalWatch(reader);
            long printed = 0;
            do
            {
                if (watch != null)
                {
                    // redraw in place, as AeronStat does: cursor home, clear screen
                    parent.out.print("\u001b[H\u001b[2J");
                }
                print(parent.out, reader);
                // the structure is checked each time: a file may appear or vanish while stat watches
                final JournalStructure structure;
                try
                {
                    structure = JournalStructure.check(directory, Set.of());
                }
                catch (final VarveException ex)
                {
                    // deleted or replaced since the last look: say that, not what the missing files look like
                    final String gone = journalWatch.check();
                    if (gone != null)
                    {
                        parent.err.println("varve stat: " + gone);
                        return VarveCommand.PROBLEM;
                    }
                    throw ex;
                }
                damaged = StructureFindings.print(parent.out, structure);
                if (parent.out.checkError()) // flushes; the command's exit code says why
                {
                    break;
                }
                printed++;
                if (watch == null || printed >= iterations)
                {
                    break;
                }
                Thread.sleep((long)(watch * 1000));
                final String gone = journalWatch.check();
                if (gone != null)
                {
                    parent.err.println("varve stat: " + gone);
                    return VarveCommand.PROBLEM;
                }
            }
            while (true);
        }
        return damaged ? VarveCommand.PROBLEM : VarveCommand.OK;
    }

    static void print(final PrintStream out, final JournalReader reader)
    {
        final MetadataFile metadata = reader.metadata();
        final CountersReader counters = reader.counters();
        final long writerPid = metadata.writerPid();
        final boolean writerAlive = writerPid > 0 &&
            ProcessHandle.of(writerPid).map(ProcessHandle::isAlive).orElse(false);
        out.println("journal " + reader.directory() + " at " + Instant.now());
        out.println("  writer pid: " + (writerPid == 0 ? "none (closed cleanly)" :
            writerPid + (writerAlive ? " (running)" : " (not running: killed?)")));
        counters.forEach((counterId, typeId, keyBuffer, label) ->
            out.printf("  %3d: %,24d - %s%n", counterId, counters.getCounterValue(counterId), label));
        printTailers(out, reader, counters);
        final int[] errors = {0};
        ErrorLogReader.read(metadata.errorLog(), (count, first, last, encoded) ->
        {
            if (errors[0]++ == 0)
            {
                out.println("  last error (" + count + "x, last at " + Instant.ofEpochMilli(last) + "): " +
                    encoded.lines().findFirst().orElse(""));
            }
        });
        if (errors[0] == 0)
        {
            out.println("  last error: none");
        }
    }

    private static void printTailers(final PrintStream out, final JournalReader reader, final CountersReader counters)
    {
        final long writerPosition = counters.getCounterValue(JournalCounter.WRITER_POSITION.id());
        final long nextSequence = counters.getCounterValue(JournalCounter.NEXT_SEQUENCE.id());
        final List<NamedTailerInfo> tailers = reader.namedTailers();
        out.println(tailers.isEmpty() ? "  tailers: none" : "  tailers:");
        for (final NamedTailerInfo tailer : tailers)
        {
            out.printf("    %-24s position %,d sequence %,d lag %,d records / %,d bytes, pid %s, updated %s%n",
                tailer.name(), tailer.position(), tailer.sequence(), Math.max(0, nextSequence - tailer.sequence()),
                Math.max(0, writerPosition - tailer.position()),
                tailer.ownerPid() == 0 ? "none" : Long.toString(tailer.ownerPid()),
                Instant.ofEpochMilli(tailer.updateTimeMillis()));
        }
    }
}
