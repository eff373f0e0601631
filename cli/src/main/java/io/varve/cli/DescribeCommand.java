package io.varve.cli;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalStructure;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code varve describe}: one screen about a journal: id, format version, segments, first and last sequence and
 * time, size on disk, durable position, and the writer's PID if one is running. What the structural check shared
 * with {@code varve verify} finds is printed first ({@code DAMAGED: FILE: REASON}); exit 1 when it finds damage.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "One screen about a journal.")
final class DescribeCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    public Integer call() throws IOException
    {
        final PrintStream out = parent.out;
        try (JournalReader reader = JournalReader.open(directory))
        {
            final boolean damaged = StructureFindings.print(out, JournalStructure.check(directory, Set.of()));
            final MetadataFile metadata = reader.metadata();
            final long[] all = new JournalDirectory(directory, Set.of()).listSegments();
            final long[] started = reader.startedSegmentBases();
            out.println("journal       " + directory.toAbsolutePath());
            out.printf("id            %016x, created %s%n", metadata.journalId(),
                Instant.ofEpochSecond(0, metadata.creationTime()));
            out.printf("format        version %d, segments of %,d bytes%n", MetadataDescriptor.FORMAT_VERSION,
                metadata.segmentLength());
            out.printf("segments      %d%s%s%n", started.length, started.length == 0 ? "" : " (" +
                JournalDirectoryLayout.segmentFileName(started[0]) + " .. " +
                JournalDirectoryLayout.segmentFileName(started[started.length - 1]) + ")",
                all.length > started.length ? ", " + (all.length - started.length) + " allocated ahead" : "");
            describeRecords(out, reader);
            out.printf("size on disk  %,d bytes%n", sizeOnDisk());
            final long durable = metadata.durablePositionFromSlots();
            final long end = reader.counters().getCounterValue(JournalCounter.WRITER_POSITION.id());
            out.printf("durable       position %,d%s%n", durable, end > durable ?
                " (writer at " + String.format("%,d", end) + ": " + String.format("%,d", end - durable) +
                " bytes not yet forced)" : "");
            final long pid = metadata.writerPid();
            final boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            out.println("writer        " + (pid == 0 ? "none (closed cleanly)" :
                "pid " + pid + (alive ? " (running)" : " (not running: killed? reopen to recover)")));
            out.println("tailers       " + reader.namedTailers().size() + " named");
            if (damaged)
            {
                out.println("DAMAGED: see above; run 'varve verify " + directory + "' for every frame");
                return VarveCommand.PROBLEM;
            }
        }
        return VarveCommand.OK;
    }

    private static void describeRecords(final PrintStream out, final JournalReader reader)
    {
        try (Tailer tailer = reader.tailer(null, false))
        {
            final long first = tailer.nextSequence();
            final long[] firstTime = {0};
            tailer.poll((b, o, l, s, t, ty) -> firstTime[0] = t, 1);
            tailer.seekToEnd();
            final long next = tailer.nextSequence();
            if (next == first)
            {
                out.println("records       none");
                return;
            }
            tailer.seekToSequence(next - 1);
            final long[] lastTime = {0};
            tailer.poll((b, o, l, s, t, ty) -> lastTime[0] = t, 1);
            out.printf("records       %,d: sequences %,d .. %,d%n", next - first, first, next - 1);
            out.printf("time          %s .. %s%n", Instant.ofEpochSecond(0, firstTime[0]),
                Instant.ofEpochSecond(0, lastTime[0]));
        }
    }

    private long sizeOnDisk() throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.filter(Files::isRegularFile).mapToLong((p) -> p.toFile().length()).sum();
        }
    }
}
