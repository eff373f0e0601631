package io.varve.journal.format;

import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test reader that walks every committed frame of every segment straight from the files, independently of the
 * tailer, validating each with {@link FrameValidator}.
 */
public final class FrameWalker
{
    private FrameWalker()
    {
    }

    @FunctionalInterface
    public interface RecordVisitor
    {
        void onRecord(UnsafeBuffer segment, int payloadOffset, int payloadLength, long sequence, long timestamp,
            int type, long position);
    }

    /**
     * Walk every record; fails on an invalid frame.
     *
     * @return the number of records.
     */
    public static long walk(final Path directory, final int segmentLength, final RecordVisitor visitor)
    {
        final FrameValidator validator = new FrameValidator();
        long records = 0;
        long expectedSequence = -1;
        long lastTimestamp = 0;
        for (final Path path : segments(directory))
        {
            final UnsafeBuffer header = SegmentHeaderReader.read(path);
            final boolean compacted = header != null && SegmentDescriptor.isCompacted(header);
            if (path.toFile().length() < segmentLength && !compacted)
            {
                continue; // allocation cut short by a crash: never started, recovery deletes it
            }
            final int end = (int)Math.min(path.toFile().length(), segmentLength);
            try (MappedFile file = MappedFile.map(path, end, true))
            {
                final UnsafeBuffer buffer = file.buffer();
                if (SegmentDescriptor.magicVolatile(buffer) == 0)
                {
                    continue;
                }
                final long base = SegmentDescriptor.basePosition(buffer);
                expectedSequence = Math.max(expectedSequence, SegmentDescriptor.baseSequence(buffer));
                int offset = SegmentDescriptor.HEADER_LENGTH;
                while (offset <= end - FrameDescriptor.HEADER_LENGTH)
                {
                    final int length = buffer.getIntVolatile(offset);
                    if (length == 0)
                    {
                        break;
                    }
                    final String problem = validator.validate(buffer, file.checksumView(), offset, length,
                        end, expectedSequence, lastTimestamp, true, compacted);
                    if (problem != null)
                    {
                        throw new AssertionError(path + " offset=" + offset + ": " + problem);
                    }
                    if (FrameDescriptor.type(buffer, offset) == FrameDescriptor.PADDING_TYPE)
                    {
                        break;
                    }
                    lastTimestamp = FrameDescriptor.timestamp(buffer, offset);
                    expectedSequence = FrameDescriptor.sequence(buffer, offset);
                    visitor.onRecord(buffer, offset + FrameDescriptor.HEADER_LENGTH,
                        length - FrameDescriptor.HEADER_LENGTH, expectedSequence, lastTimestamp,
                        FrameDescriptor.type(buffer, offset), base + offset);
                    records++;
                    expectedSequence++;
                    offset += FrameDescriptor.alignedLength(length);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return records;
    }

    public static List<Path> segments(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            final List<Path> segments = new ArrayList<>();
            files.filter((p) -> p.getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX))
                .sorted()
                .forEach(segments::add);
            return segments;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
