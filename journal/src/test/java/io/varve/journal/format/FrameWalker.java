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
 * tailer, validating each with {@link FrameReader}.
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
        return walk(directory, segmentLength, false, visitor);
    }

    /**
     * Walk every record of a journal whose writer was killed; a damaged frame is accepted only as the end of the
     * log, in the last started segment, when {@code tornTailAllowed}: a positional writer killed inside a
     * {@code pwrite} leaves the pages the kernel copied before the kill, so a frame whose length landed may lack its
     * end (beyond the published writer position, never acknowledged). A mapped writer stores the length last and
     * never leaves one.
     *
     * @return the number of records before the end or the torn frame.
     */
    public static long walk(
        final Path directory, final int segmentLength, final boolean tornTailAllowed, final RecordVisitor visitor)
    {
        final List<Path> paths = segments(directory);
        Path torn = null;
        final FrameReader frames = new FrameReader(true);
        long records = 0;
        long expectedSequence = -1;
        long lastTimestamp = Long.MIN_VALUE;
        for (final Path path : paths)
        {
            if (torn != null && SegmentHeaderReader.read(path) != null &&
                SegmentDescriptor.magicVolatile(SegmentHeaderReader.read(path)) != 0)
            {
                throw new AssertionError("a started segment follows a torn frame: torn=" + torn + " next=" + path);
            }
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
                frames.wrap(buffer, file.checksumView(), end,
                    compacted ? FrameReader.COMPACTED_OPEN_END : FrameReader.LIVE)
                    .position(SegmentDescriptor.HEADER_LENGTH, expectedSequence, lastTimestamp);
                int result;
                while ((result = frames.next()) == FrameReader.RECORD)
                {
                    final int offset = frames.offset();
                    visitor.onRecord(buffer, offset + FrameDescriptor.HEADER_LENGTH, frames.payloadLength(),
                        frames.sequence(), frames.timestamp(), frames.type(), base + offset);
                    records++;
                    frames.advance();
                }
                if (result == FrameReader.DAMAGED)
                {
                    if (!tornTailAllowed)
                    {
                        throw new AssertionError(path + " offset=" + frames.offset() + ": " + frames.reason());
                    }
                    torn = path;
                }
                expectedSequence = frames.nextSequence();
                lastTimestamp = frames.lastTimestamp();
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
