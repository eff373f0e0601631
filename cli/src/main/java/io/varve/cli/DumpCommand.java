package io.varve.cli;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.recovery.JournalStructure;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.SegmentFrames;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code varve dump}: the raw structures of a journal, like Chronicle's DumpMain and kafka-dump-log: the metadata
 * file, each segment's header, every frame's header fields with a hex preview, and with {@code --index} the index
 * entries. Read-only; safe while a writer appends. First it prints what the structural check shared with
 * {@code varve verify} finds ({@code DAMAGED: FILE: REASON} lines); a damaged frame is printed with its problem and
 * ends that segment's frames, and the dump goes on with the next segment. A frame written without a checksum is
 * printed {@code crc=unchecked}, never {@code ok}. Exit 1 when there is damage or a frame that is not valid.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = "Print the metadata, segment headers, frames (header fields and a hex preview) and index entries.")
final class DumpCommand implements Callable<Integer>
{
    private static final int PREVIEW = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    @Option(names = "--segment", paramLabel = "FILE", description = "Only this segment (file name or path).")
    private Path segment;

    @Option(names = "--from", paramLabel = "WHERE", defaultValue = "start",
        description = "start | seq:N (frames from this sequence). Default: start.")
    private String from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N frames.")
    private Long count;

    @Option(names = "--index", description = "Also print each segment's index entries.")
    private boolean index;

    private long printed;
    private long journalId;
    private boolean bad;

    public Integer call() throws IOException
    {
        if (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            parent.err.println("varve dump: not a journal (no " + JournalDirectoryLayout.METADATA_FILE + "): " +
                directory);
            return VarveCommand.USAGE_OR_IO;
        }
        final long fromSequence;
        if ("start".equals(from))
        {
            fromSequence = Long.MIN_VALUE;
        }
        else if (from.startsWith("seq:") && isSequence(from.substring(4)))
        {
            fromSequence = Long.parseLong(from.substring(4));
        }
        else
        {
            parent.err.println("varve dump: --from must be start or seq:N: from=" + from);
            return VarveCommand.USAGE_OR_IO;
        }
        if (count != null && count < 0)
        {
            parent.err.println("varve dump: --count must be 0 or more: count=" + count);
            return VarveCommand.USAGE_OR_IO;
        }
        if (segment != null && !Files.exists(directory.resolve(segment.getFileName())))
        {
            parent.err.println("varve dump: no such segment in " + directory + ": " + segment.getFileName());
            return VarveCommand.USAGE_OR_IO;
        }
        if (segment != null && segment.getParent() != null &&
            !sameFile(segment, directory.resolve(segment.getFileName())))
        {
            // only DIR's segments are dumped, by name: a path to another journal's file would show DIR's file instead
            parent.err.println("varve dump: --segment names a file outside " + directory + ": segment=" + segment +
                "; give its file name, or dump the journal it belongs to");
            return VarveCommand.USAGE_OR_IO;
        }
        final PrintStream out = parent.out;
        bad = StructureFindings.print(out, JournalStructure.check(directory, Set.of()));
        final int segmentLength = dumpMetadata(out);
        final long limit = count == null ? Long.MAX_VALUE : count;
        try (SegmentFrames segmentFrames = segmentLength == 0 ? null :
            new SegmentFrames(directory, segmentLength, journalId, true, false))
        {
            for (final long base : new JournalDirectory(directory, Set.of()).listSegments())
            {
                final Path path = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
                if (segment != null && !path.getFileName().equals(segment.getFileName()))
                {
                    continue;
                }
                dumpSegment(out, segmentFrames, path, base, fromSequence, limit);
                if (printed >= limit)
                {
                    break;
                }
            }
        }
        return bad ? VarveCommand.PROBLEM : VarveCommand.OK;
    }

    private static boolean isSequence(final String text)
    {
        return !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(Character::isDigit);
    }

    private int dumpMetadata(final PrintStream out) throws IOException
    {
        final Path path = directory.resolve(JournalDirectoryLayout.METADATA_FILE);
        try (MappedFile meta = MappedFile.map(path, MetadataDescriptor.HEADER_LENGTH, true))
        {
            final UnsafeBuffer buffer = meta.buffer();
            final String problem = MetadataDescriptor.validateIdentity(buffer);
            out.printf("metadata %s: version=%d segmentLength=%d journalId=%016x created=%s identity %s%n", path,
                buffer.getInt(MetadataDescriptor.VERSION_OFFSET, LITTLE_ENDIAN),
                MetadataDescriptor.segmentLength(buffer), MetadataDescriptor.journalId(buffer),
                Instant.ofEpochSecond(0, MetadataDescriptor.creationTime(buffer)), problem == null ? "ok" : problem);
            for (final int slot : new int[]{ MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
                MetadataDescriptor.DURABLE_SLOT_B_OFFSET })
            {
                out.printf("  durable slot @%d: position=%d generation=%d %s%n", slot,
                    MetadataDescriptor.slotPosition(buffer, slot), MetadataDescriptor.slotGeneration(buffer, slot),
                    MetadataDescriptor.isSlotValid(buffer, slot) ? "valid" : "invalid");
            }
            out.printf("  writer pid=%d%n", buffer.getLong(MetadataDescriptor.WRITER_PID_OFFSET, LITTLE_ENDIAN));
            if (problem != null)
            {
                // without the identity the segments cannot be read: the journal is damaged
                bad = true;
                return 0;
            }
            journalId = MetadataDescriptor.journalId(buffer);
            return MetadataDescriptor.segmentLength(buffer);
        }
    }

    private void dumpSegment(
        final PrintStream out,
        final SegmentFrames segmentFrames,
        final Path path,
        final long base,
        final long fromSequence,
        final long limit) throws IOException
    {
        if (segmentFrames == null)
        {
            out.printf("segment %s: length=%d, cannot read frames%n", path.getFileName(), Files.size(path));
            return;
        }
        final int state = segmentFrames.open(base);
        if (state == SegmentFrames.MISSING)
        {
            return;
        }
        if (state == SegmentFrames.NOT_STARTED)
        {
            out.printf("segment %s: allocated ahead of the writer, not started%n", path.getFileName());
            return;
        }
        if (state == SegmentFrames.DAMAGED)
        {
            out.printf("segment %s: header BAD: %s%n", path.getFileName(), segmentFrames.problem());
            bad = true;
            return;
        }
        final UnsafeBuffer buffer = segmentFrames.file().buffer();
        out.printf("segment %s: basePosition=%d baseSequence=%d created=%s flags=%d header ok%n",
            path.getFileName(), SegmentDescriptor.basePosition(buffer), SegmentDescriptor.baseSequence(buffer),
            Instant.ofEpochSecond(0, SegmentDescriptor.creationTime(buffer)), SegmentDescriptor.flags(buffer));
        dumpFrames(out, segmentFrames, base, fromSequence, limit);
        if (index)
        {
            dumpIndex(out, path.resolveSibling(JournalDirectoryLayout.indexFileName(base)),
                segmentFrames.segmentLength());
        }
    }

    private void dumpFrames(
        final PrintStream out,
        final SegmentFrames segmentFrames,
        final long base,
        final long fromSequence,
        final long limit)
    {
        final UnsafeBuffer buffer = segmentFrames.file().buffer();
        final FrameReader frames = segmentFrames.frames();
        while (printed < limit)
        {
            final int result = frames.next();
            final int offset = frames.offset();
            if (result == FrameReader.RECORD)
            {
                if (frames.sequence() >= fromSequence)
                {
                    printFrame(out, buffer, offset, frames.frameLength(), null);
                    printed++;
                }
                frames.advance();
            }
            else if (result == FrameReader.END_OF_SEGMENT)
            {
                if (frames.limit() - offset >= FrameDescriptor.HEADER_LENGTH && frames.frameLength() > 0)
                {
                    out.printf("  padding @%d len=%d to the end of the segment%n", offset, frames.frameLength());
                }
                else if (segmentFrames.isCompacted())
                {
                    out.printf("  end @%d (position %d) of the compacted segment's frames%n", offset, base + offset);
                }
                final String incomplete = segmentFrames.checkEnd(-1);
                if (incomplete != null)
                {
                    out.printf("  DAMAGED @%d: %s%n", offset, incomplete);
                    bad = true;
                }
                return;
            }
            else if (result == FrameReader.NOT_WRITTEN)
            {
                out.printf("  end @%d (position %d): no frame written here yet%n", offset, base + offset);
                return;
            }
            else
            {
                // the frames after a damaged one cannot be found: go on with the next segment
                printFrame(out, buffer, offset, frames.frameLength(), frames.reason());
                out.printf("  DAMAGED @%d (position %d): %s; the frames after it in this segment are not shown%n",
                    offset, base + offset, frames.reason());
                printed++;
                bad = true;
                return;
            }
        }
    }

    private static boolean sameFile(final Path a, final Path b)
    {
        try
        {
            return Files.isSameFile(a, b);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void printFrame(
        final PrintStream out, final UnsafeBuffer buffer, final int offset, final int length, final String problem)
    {
        final boolean unchecked = (FrameDescriptor.flags(buffer, offset) & FrameDescriptor.FLAG_UNCHECKED) != 0;
        final StringBuilder line = new StringBuilder(160);
        line.append("  frame @").append(offset)
            .append(" len=").append(length)
            .append(" seq=").append(FrameDescriptor.sequence(buffer, offset))
            .append(" time=").append(Instant.ofEpochSecond(0, FrameDescriptor.timestamp(buffer, offset)))
            .append(" type=").append(FrameDescriptor.type(buffer, offset))
            .append(" ver=").append(FrameDescriptor.schemaVersion(buffer, offset))
            .append(" flags=").append(FrameDescriptor.flags(buffer, offset))
            .append(" key=").append(FrameDescriptor.keyLength(buffer, offset));
        if (problem != null)
        {
            line.append(" crc=").append(String.format("%08x", FrameDescriptor.checksum(buffer, offset)))
                .append(" BAD: ").append(problem).append(" |");
        }
        else if (unchecked)
        {
            // written without a checksum: nothing can say its bytes are intact
            line.append(" crc=unchecked |");
        }
        else
        {
            line.append(" crc=").append(String.format("%08x", FrameDescriptor.checksum(buffer, offset)))
                .append(" ok |");
        }
        final int payload = Math.max(0, Math.min(length - FrameDescriptor.HEADER_LENGTH, PREVIEW));
        for (int i = 0; i < payload && offset + FrameDescriptor.HEADER_LENGTH + i < buffer.capacity(); i++)
        {
            final int b = buffer.getByte(offset + FrameDescriptor.HEADER_LENGTH + i) & 0xFF;
            line.append(' ').append(HEX[b >>> 4]).append(HEX[b & 0xF]);
        }
        out.println(line);
    }

    private static void dumpIndex(final PrintStream out, final Path path, final int segmentLength) throws IOException
    {
        if (!Files.exists(path))
        {
            out.println("  index " + path.getFileName() + ": missing");
            return;
        }
        try (MappedFile file = MappedFile.map(path, (int)Files.size(path), true))
        {
            final UnsafeBuffer buffer = file.buffer();
            final int interval = IndexDescriptor.interval(buffer);
            out.printf("  index %s: interval=%d%n", path.getFileName(), interval);
            final int capacity = interval > 0 ? Math.min(IndexDescriptor.capacity(segmentLength, interval),
                (buffer.capacity() - IndexDescriptor.HEADER_LENGTH) / IndexDescriptor.ENTRY_LENGTH) : 0;
            for (int entry = 0; entry < capacity; entry++)
            {
                final int frameOffset = IndexDescriptor.frameOffsetVolatile(buffer, entry);
                if (frameOffset == 0)
                {
                    break;
                }
                out.printf("    entry %d: seq=%d time=%s frame @%d%n", entry, IndexDescriptor.sequence(buffer, entry),
                    Instant.ofEpochSecond(0, IndexDescriptor.timestamp(buffer, entry)), frameOffset);
            }
        }
    }
}
