package io.varve.cli;

import io.varve.journal.RetentionPolicy;
import io.varve.journal.storage.MetadataFile;
import io.varve.tuning.HostCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code varve tune}: host tuning tools.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, description = "Host tuning tools.",
    subcommands = TuneCommand.Check.class)
final class TuneCommand implements Callable<Integer>
{
    @ParentCommand
    VarveCommand parent;

    public Integer call()
    {
        parent.err.println("varve tune: name a subcommand: check");
        return VarveCommand.USAGE_OR_IO;
    }

    /**
     * {@code varve tune check}: a pass/warn/fail table of what matters on this host, with the reason and the fix for
     * each. Exit 1 when any check fails.
     */
    @Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the host: CPUs, isolation, governor, huge pages, swappiness, writeback, the journal's " +
            "file system and free space, limits, clock source, JVM. Exit 1 when any check fails.")
    static final class Check implements Callable<Integer>
    {
        private static final long DEFAULT_SEGMENT_LENGTH = 64L << 20;

        @ParentCommand
        private TuneCommand tune;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Journal directory (or where it will be) for the file system and space checks.")
        private Path directory;

        @Option(names = "--segment-size", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Segment length planned (default: the journal's when DIR holds one, else 64m).")
        private Long segmentSize;

        @Option(names = "--retention", paramLabel = "POLICY", defaultValue = "unlimited",
            description = "Retention planned, e.g. bytes:100g (default unlimited).")
        private String retention;

        public Integer call()
        {
            final long journalSegmentLength = directory != null && MetadataFile.exists(directory) ?
                journalSegmentLength(directory) : 0;
            if (segmentSize != null && journalSegmentLength != 0 && segmentSize != journalSegmentLength)
            {
                tune.parent.err.println("varve tune check: --segment-size differs from the journal's: segment-size=" +
                    ByteSize.format(segmentSize) + " journal=" + ByteSize.format(journalSegmentLength) +
                    " directory=" + directory + "; an existing journal keeps its segment length, leave it out");
                return VarveCommand.USAGE_OR_IO;
            }
            final long segmentLength = segmentSize != null ? segmentSize :
                journalSegmentLength != 0 ? journalSegmentLength : DEFAULT_SEGMENT_LENGTH;
            final RetentionPolicy policy = RetentionPolicy.parse(retention);
            final long retentionBytes = policy.maxBytes() == Long.MAX_VALUE ? 0 : policy.maxBytes();
            final List<HostCheck.Result> results = new HostCheck(Path.of("/")).run(directory, segmentLength,
                retentionBytes);
            final var out = tune.parent.out;
            out.printf("%-24s %-8s %s%n", "CHECK", "STATUS", "VALUE");
            boolean failed = false;
            for (final HostCheck.Result result : results)
            {
                out.printf("%-24s %-8s %s%n", result.check(), result.status(), result.value());
                out.printf("%-24s %-8s why: %s%n", "", "", result.reason());
                if (!result.fix().isEmpty())
                {
                    out.printf("%-24s %-8s fix: %s%n", "", "", result.fix());
                }
                failed |= result.status() == HostCheck.Status.FAIL;
            }
            out.println(failed ? "FAIL: at least one check failed" : "no check failed");
            return failed ? VarveCommand.PROBLEM : VarveCommand.OK;
        }

        private static int journalSegmentLength(final Path directory)
        {
            try (MetadataFile metadata = MetadataFile.open(directory, true))
            {
                return metadata.segmentLength();
            }
        }
    }
}
