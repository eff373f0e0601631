package io.varve.journal.read;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A started segment mapped read-only for a reader, with its sparse index when that is usable. It never writes to
 * either file.
 * <p>
 * The index is a hint: an entry is used only when the frame it points to passes every {@link FrameReader} rule and
 * carries the entry's sequence and timestamp, and a missing or damaged index only makes seeks scan further.
 * <p>
 * Threading: NOT threadsafe; owned by one tailer.
 */
final class MappedSegment implements AutoCloseable
{
    private final long basePosition;
    private final Path path;
    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int segmentLength;
    private final int framesEnd;
    private MappedFile indexFile;
    private UnsafeBuffer index;
    private int indexCapacity;

    private MappedSegment(
        final long basePosition, final Path path, final MappedFile file, final int segmentLength, final int framesEnd)
    {
        this.framesEnd = framesEnd;
        this.basePosition = basePosition;
        this.path = path;
        this.file = file;
        this.buffer = file.buffer();
        this.segmentLength = segmentLength;
    }

    /**
     * Map a segment if it has been started.
     *
     * @param directory     of the journal.
     * @param basePosition  of the segment.
     * @param segmentLength of the journal.
     * @param journalId     of the journal.
     * @return the mapped segment, or null when the file does not exist yet, is still being allocated, or has not
     *         been started by the writer.
     * @throws JournalCorruptionException when the file is there but is not this journal's segment.
     */
    static MappedSegment openIfStarted(
        final Path directory, final long basePosition, final int segmentLength, final long journalId)
    {
        final Path path = directory.resolve(JournalDirectoryLayout.segmentFileName(basePosition));
        final UnsafeBuffer header = SegmentHeaderReader.read(path);
        if (header == null || header.getLongVolatile(SegmentDescriptor.MAGIC_OFFSET) == 0)
        {
            return null;
        }
        try
        {
            final long size = Files.size(path);
            final boolean compacted = SegmentDescriptor.isCompacted(header);
            if (size > segmentLength)
            {
                throw new JournalCorruptionException(path, -1, "segment file longer than the segment length: length=" +
                    size + " expected=" + segmentLength, Tailer.advice(directory));
            }
            // a compacted segment holds only its kept frames, and a live one cut short keeps the frames before the
            // cut (the tailer refuses at the first frame the cut reaches): map what is there
            final MappedFile file = MappedFile.map(path, (int)Math.min(size, segmentLength), true);
            final String problem = SegmentDescriptor.validateHeader(file.buffer(), segmentLength, basePosition,
                journalId);
            if (problem != null)
            {
                file.close();
                throw new JournalCorruptionException(path, 0, problem + " (replaced under the reader?)",
                    Tailer.advice(directory));
            }
            int framesEnd = file.length();
            if (compacted && SegmentDescriptor.hasTrailer(file.buffer()))
            {
                // format 2: the trailer says where the frames end; a reader must not look for them past it
                final String trailerProblem = SegmentDescriptor.validateTrailer(file.buffer(), file.length());
                if (trailerProblem != null)
                {
                    file.close();
                    throw new JournalCorruptionException(path, -1, trailerProblem,
                        "run 'varve verify " + directory + "'");
                }
                framesEnd = SegmentDescriptor.trailerFramesEnd(file.buffer(), file.length());
            }
            return new MappedSegment(basePosition, path, file, segmentLength, framesEnd);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * Whether the writer has started a segment file: its header can be read and its magic is set.
     *
     * @param path of the segment file.
     * @return false when the file is missing, shorter than a header, or its magic is still zero.
     */
    static boolean isStarted(final Path path)
    {
        final UnsafeBuffer header = SegmentHeaderReader.read(path);
        return header != null && header.getLong(SegmentDescriptor.MAGIC_OFFSET) != 0;
    }

    long basePosition()
    {
        return basePosition;
    }

    Path path()
    {
        return path;
    }

    MappedFile file()
    {
        return file;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * End of the frames: the segment length, a format 1 compacted segment's shorter file length, or the frames end
     * that a format 2 compacted segment's trailer states.
     *
     * @return bytes.
     */
    int limit()
    {
        return framesEnd;
    }

    /**
     * Where the frames end, as {@link #limit()}.
     *
     * @return offset just past the last frame a reader may read.
     */
    int framesEnd()
    {
        return framesEnd;
    }

    /**
     * The rules this segment's frames follow, for a {@link FrameReader}.
     *
     * @return {@code FrameReader.LIVE}, {@code COMPACTED_OPEN_END} (format 1 compacted) or {@code COMPACTED_SEALED}
     *         (format 2 compacted, whose frames end at {@link #framesEnd()}).
     */
    int frameKind()
    {
        if (!isCompacted())
        {
            return FrameReader.LIVE;
        }
        return SegmentDescriptor.hasTrailer(buffer) ? FrameReader.COMPACTED_SEALED : FrameReader.COMPACTED_OPEN_END;
    }

    /**
     * Whether this is a live segment whose file was cut short: its frames end where its bytes do.
     *
     * @return true when truncated.
     */
    boolean isTruncated()
    {
        return !isCompacted() && file.length() < segmentLength;
    }

    /**
     * Whether compaction rewrote this segment: sequences may have gaps and the file may be shorter.
     *
     * @return true when compacted.
     */
    boolean isCompacted()
    {
        return SegmentDescriptor.isCompacted(buffer);
    }

    long baseSequence()
    {
        return SegmentDescriptor.baseSequence(buffer);
    }

    /**
     * Point a reader at this segment's first frame.
     *
     * @param frames to wrap.
     * @return the reader.
     */
    FrameReader wrap(final FrameReader frames)
    {
        return frames.wrap(buffer, file.checksumView(), limit(), frameKind());
    }

    /**
     * Wrap a reader and move it to the frame to start scanning from to find a sequence: the last index entry at or
     * below it whose frame passes every frame rule, or the first frame.
     *
     * @param frames   to wrap and position.
     * @param sequence sought.
     * @return the reader.
     */
    FrameReader scanStartForSequence(final FrameReader frames, final long sequence)
    {
        wrap(frames);
        return scanStart(frames, lastEntryAtOrBelow(frames, sequence, true));
    }

    /**
     * Wrap a reader and move it to the frame to start scanning from to find the first record at or after a
     * timestamp: the last good index entry whose timestamp is below it, or the first frame.
     *
     * @param frames    to wrap and position.
     * @param timestamp sought.
     * @return the reader.
     */
    FrameReader scanStartForTimestamp(final FrameReader frames, final long timestamp)
    {
        wrap(frames);
        return scanStart(frames, lastEntryAtOrBelow(frames, timestamp - 1, false));
    }

    /**
     * Wrap a reader and move it to the frame to start scanning from to reach an offset.
     *
     * @param frames to wrap and position.
     * @param offset sought.
     * @return the reader, at the last good index entry at or below the offset, or at the first frame.
     */
    FrameReader scanStartForOffset(final FrameReader frames, final int offset)
    {
        wrap(frames);
        if (!openIndex())
        {
            return frames;
        }
        int low = 0;
        int high = validEntries() - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (IndexDescriptor.frameOffsetVolatile(index, mid) <= offset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        while (found >= 0 && !entryMatchesFrame(frames, found))
        {
            found--;
        }
        return scanStart(frames, found);
    }

    private FrameReader scanStart(final FrameReader frames, final int entry)
    {
        if (entry < 0)
        {
            return frames.position(SegmentDescriptor.HEADER_LENGTH, baseSequence(), Long.MIN_VALUE);
        }
        return frames.position(
            IndexDescriptor.frameOffsetVolatile(index, entry), IndexDescriptor.sequence(index, entry), Long.MIN_VALUE);
    }

    private int lastEntryAtOrBelow(final FrameReader frames, final long key, final boolean bySequence)
    {
        if (!openIndex())
        {
            return -1;
        }
        int low = 0;
        int high = validEntries() - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long value = bySequence ?
                IndexDescriptor.sequence(index, mid) : IndexDescriptor.timestamp(index, mid);
            if (value <= key)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        while (found >= 0 && !entryMatchesFrame(frames, found))
        {
            found--;
        }
        return found;
    }

    private int validEntries()
    {
        int low = 0;
        int high = indexCapacity;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (IndexDescriptor.frameOffsetVolatile(index, mid) != 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * An entry is used only when the frame it points to is a record by every frame rule, with the entry's sequence
     * and timestamp: a damaged entry, or an entry pointing at a damaged frame, makes the seek start further back.
     */
    private boolean entryMatchesFrame(final FrameReader frames, final int entry)
    {
        final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, entry);
        if (frameOffset < SegmentDescriptor.HEADER_LENGTH || frameOffset > limit() ||
            (frameOffset & (FrameDescriptor.FRAME_ALIGNMENT - 1)) != 0)
        {
            return false;
        }
        final long sequence = IndexDescriptor.sequence(index, entry);
        frames.position(frameOffset, sequence, Long.MIN_VALUE);
        return frames.next() == FrameReader.RECORD && frames.sequence() == sequence &&
            frames.timestamp() == IndexDescriptor.timestamp(index, entry);
    }

    private boolean openIndex()
    {
        if (index != null)
        {
            return true;
        }
        final Path indexPath = path.resolveSibling(JournalDirectoryLayout.indexFileName(basePosition));
        try
        {
            final long size = Files.exists(indexPath) ? Files.size(indexPath) : 0;
            if (size < IndexDescriptor.HEADER_LENGTH)
            {
                return false;
            }
            final MappedFile candidate = MappedFile.map(indexPath, (int)Math.min(size, Integer.MAX_VALUE), true);
            final UnsafeBuffer candidateBuffer = candidate.buffer();
            final long journalId = SegmentDescriptor.journalId(buffer);
            if (!IndexDescriptor.isHeaderValid(candidateBuffer, basePosition, journalId) ||
                size < IndexDescriptor.fileLength(segmentLength, IndexDescriptor.interval(candidateBuffer)))
            {
                candidate.close();
                return false;
            }
            indexFile = candidate;
            index = candidateBuffer;
            indexCapacity = IndexDescriptor.capacity(segmentLength, IndexDescriptor.interval(candidateBuffer));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Unmap.
     */
    public void close()
    {
        file.close();
        if (indexFile != null)
        {
            indexFile.close();
            indexFile = null;
            index = null;
        }
    }
}
