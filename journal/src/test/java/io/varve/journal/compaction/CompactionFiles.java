package io.varve.journal.compaction;

import io.varve.journal.format.FrameChecksum;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.recovery.JournalFiles;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentFrames;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Finds frames in a closed journal's segment files and damages them by hand, for compaction tests.
 */
final class CompactionFiles
{
    private CompactionFiles()
    {
    }

    static Path segment(final Path dir, final long base)
    {
        return dir.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    /** Offsets of the records of one segment, read through {@link SegmentFrames}; the segment must read whole. */
    static List<Integer> recordOffsets(final Path dir, final long base)
    {
        final List<Integer> offsets = new ArrayList<>();
        try (SegmentFrames segments = segmentFrames(dir))
        {
            assertEquals(SegmentFrames.OPENED, segments.open(base), String.valueOf(segments.problem()));
            final FrameReader frames = segments.frames();
            while (frames.next() == FrameReader.RECORD)
            {
                offsets.add(frames.offset());
                frames.advance();
            }
        }
        return offsets;
    }

    static SegmentFrames segmentFrames(final Path dir)
    {
        try (MetadataFile metadata = MetadataFile.open(dir, true))
        {
            return new SegmentFrames(dir, metadata.segmentLength(), metadata.journalId(), true, false);
        }
    }

    /**
     * Walk the whole chain as {@code varve verify} does through {@link SegmentFrames}: open each segment, check it
     * continues the one before, read every frame and check the end.
     *
     * @return null when everything reads, else "file offset reason".
     */
    static String walkProblem(final Path dir)
    {
        try (SegmentFrames segments = segmentFrames(dir))
        {
            long expected = -1;
            boolean previousCompacted = false;
            for (final Path path : segmentFiles(dir))
            {
                final long base = Long.parseLong(path.getFileName().toString().replace(".seg", ""));
                final int state = segments.open(base);
                if (state == SegmentFrames.NOT_STARTED)
                {
                    return null;
                }
                if (state != SegmentFrames.OPENED)
                {
                    return path.getFileName() + " -1 " + segments.problem();
                }
                if (expected >= 0 && segments.continues(expected, previousCompacted) != null)
                {
                    return path.getFileName() + " 32 " + segments.continues(expected, previousCompacted);
                }
                final FrameReader frames = segments.frames();
                long records = 0;
                int result;
                while ((result = frames.next()) == FrameReader.RECORD)
                {
                    records++;
                    frames.advance();
                }
                if (result == FrameReader.NOT_WRITTEN)
                {
                    return null; // the end of the log
                }
                final String problem = result == FrameReader.DAMAGED ? frames.reason() : segments.checkEnd(records);
                if (problem != null)
                {
                    return path.getFileName() + " " + frames.offset() + " " + problem;
                }
                expected = frames.nextSequence();
                previousCompacted = segments.isCompacted();
            }
        }
        return null;
    }

    static List<Path> segmentFiles(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX))
                .sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The bytes of every segment and index file, by name. */
    static Map<String, byte[]> segmentAndIndexBytes(final Path dir)
    {
        final Map<String, byte[]> bytes = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (!name.equals(JournalDirectoryLayout.METADATA_FILE) &&
                    !name.equals(JournalDirectoryLayout.LOCK_FILE))
                {
                    bytes.put(name, Files.readAllBytes(file));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes;
    }

    static void writeBytes(final Path file, final long offset, final byte[] bytes)
    {
        JournalFiles.writeBytes(file, offset, bytes);
    }

    static void flipByte(final Path file, final long offset)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            final int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x10);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void truncate(final Path file, final long length)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Give the frame at an offset another sequence and a checksum that matches it: only the order is wrong. */
    static void resequence(final Path file, final int offset, final long sequence)
    {
        try (MappedFile mapped = MappedFile.map(file, (int)Files.size(file), false))
        {
            final UnsafeBuffer buffer = mapped.buffer();
            buffer.putLong(offset + FrameDescriptor.SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
            final int length = buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET, LITTLE_ENDIAN);
            buffer.putInt(offset + FrameDescriptor.CHECKSUM_OFFSET,
                new FrameChecksum().compute(mapped.checksumView(), offset, length, length), LITTLE_ENDIAN);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Rewrite a compacted segment as the previous version of Varve wrote it, format 1: no trailer (its bytes
     * zeroed), version 1 in the header and the header checksum recomputed.
     */
    static void rewriteAsFormat1(final Path file)
    {
        try (MappedFile mapped = MappedFile.map(file, (int)Files.size(file), false))
        {
            final UnsafeBuffer buffer = mapped.buffer();
            assertEquals(SegmentDescriptor.COMPACTED_FORMAT_VERSION, SegmentDescriptor.version(buffer));
            buffer.setMemory(mapped.length() - SegmentDescriptor.TRAILER_LENGTH, SegmentDescriptor.TRAILER_LENGTH,
                (byte)0);
            buffer.putInt(SegmentDescriptor.VERSION_OFFSET, SegmentDescriptor.FORMAT_VERSION, LITTLE_ENDIAN);
            buffer.putInt(SegmentDescriptor.HEADER_CHECKSUM_OFFSET, SegmentDescriptor.computeHeaderChecksum(buffer),
                LITTLE_ENDIAN);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
