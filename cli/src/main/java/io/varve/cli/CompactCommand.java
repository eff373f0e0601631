package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.compaction.CompactionReport;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.MetadataFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code varve compact}: keyed compaction of a journal that no writer has open: keep the newest record of each key,
 * drop tombstones older than the grace period, keep every record without a key. (A running writer compacts through
 * {@code Journal.compact}.)
 * <p>
 * Exit codes: 0 compacted; 1 when a frame or segment below the durable position is damaged: compaction refuses
 * before replacing anything and the message names the file, offset and reason, and says to run {@code varve verify}
 * and {@code varve repair}; 2 when the directory is not a journal or an argument is bad.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
    description = "Keyed compaction: keep the newest record of each key in the sealed, durable segments.")
final class CompactCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory (no writer may have it open).")
    private Path directory;

    @Option(names = "--tombstone-grace", paramLabel = "DURATION", defaultValue = "PT24H",
        description = "Keep tombstones younger than this, ISO-8601 (default PT24H).")
    private Duration grace;

    public Integer call()
    {
        if (grace.isNegative())
        {
            parent.err.println("varve compact: --tombstone-grace must not be negative: tombstone-grace=" + grace +
                "; PT0S drops every durable tombstone");
            return VarveCommand.USAGE_OR_IO;
        }
        if (!MetadataFile.exists(directory))
        {
            // Journal.open would create an empty journal here; compaction of nothing is a mistake worth saying.
            parent.err.println("varve compact: not a journal (no " + JournalDirectoryLayout.METADATA_FILE + "): " +
                directory);
            return VarveCommand.USAGE_OR_IO;
        }
        try (Journal journal = Journal.open(new JournalContext().directory(directory)))
        {
            final CompactionReport report = journal.compact(grace);
            parent.out.printf("compacted %d segments in %.3f s: kept %,d records, dropped %,d superseded and %,d " +
                "tombstones, freed %,d bytes; %,d keys%n", report.segmentsRewritten(), report.durationNanos() / 1e9,
                report.recordsKept(), report.recordsSuperseded(), report.tombstonesDropped(), report.bytesReclaimed(),
                report.keys());
        }
        return VarveCommand.OK;
    }
}
