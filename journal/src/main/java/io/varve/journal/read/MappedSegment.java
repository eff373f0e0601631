package io.varve.journal.read;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.PageTables;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;

/**
 * A segment file mapped read-only for a {@link JournalReader}'s tailers, with its sparse index when that is usable.
 * It never writes to either file. A {@link SegmentCache} maps it once, shares it between the reader's tailers and
 * unmaps it when the last of them has let go and it falls out of the kept few.
 * <p>
 * A segment allocated ahead of the writer and not started yet may be mapped too (a tailer maps and populates the
 * next segment before the writer reaches it), but it is handed to a tailer to read only once its header's magic is
 * set and the header is valid: {@link #start(Path, long)}.
 * <p>
 * The index is a hint: an entry is used only when the frame it points to passes every {@link FrameReader} rule and
 * carries the entry's sequence and timestamp, and a missing or damaged index only makes seeks scan further.
 * <p>
 * Threading: shared by the tailers of one reader, which may run on different threads. What a tailer reads (the
 * mapping, the frames end) is fixed before the cache hands it out; the holder count and the started state are
 * guarded by the cache's lock; the index is opened under this object's lock and handed to each seek as a snapshot.
 */
final class MappedSegment
{
    private final long basePosition;
    private final Path path;
    private final MappedFile file;
    private final UnsafeBuffer buffer;
    private final int segmentLength;
    private final Object fileKey;
    private final long fileSize;
    private int framesEnd;
    private Index index;
    private ArrayList<MappedFile> retiredIndexes;

    // guarded by the SegmentCache's lock
    int holders;
    boolean current = true;
    boolean started;
    /** Start of the range of the mapping whose page tables are populated, [populatedFrom, populatedTo). */
    int populatedFrom;
    /** End of the populated range, exclusive; equal to its start when none is. */
    int populatedTo;

    private MappedSegment(
        final long basePosition,
        final Path path,
        final MappedFile file,
        final int segmentLength,
        final Object fileKey,
        final long fileSize)
    {
        this.basePosition = basePosition;
        this.path = path;
        this.file = file;
        this.buffer = file.buffer();
        this.segmentLength = segmentLength;
        this.fileKey = fileKey;
        this.fileSize = fileSize;
        this.framesEnd = file.length();
    }

    /**
     * Map a segment file, started or not; {@link SegmentCache} decides what to map.
     *
     * @param path          of the segment file.
     * @param basePosition  of the segment.
     * @param segmentLength of the journal.
     * @param fileKey       identity of the file (device and inode) read before mapping it.
     * @param fileSize      length of the file read with the key.
     * @return the mapping.
     * @throws IOException when the file cannot be mapped (gone, or shorter than the length read).
     */
    static MappedSegment map(
        final Path path, final long basePosition, final int segmentLength, final Object fileKey, final long fileSize)
        throws IOException
    {
        final MappedFile file = MappedFile.map(path, (int)Math.min(fileSize, segmentLength), true);
        return new MappedSegment(basePosition, path, file, segmentLength, fileKey, fileSize);
    }

    /**
     * Whether this mapping is of the file now at a path: same device and inode, same length. A file deleted and
     * created again under the same name, replaced by a rename, or cut short is another file. An inode cannot be
     * reused while this mapping holds it.
     *
     * @param key  of the file now at the path.
     * @param size of the file now at the path.
     * @return true when it is the file mapped.
     */
    boolean isSameFile(final Object key, final long size)
    {
        return size == fileSize && key != null && key.equals(fileKey);
    }

    /**
     * Whether the writer has set the header's magic in this mapping.
     *
     * @return true when the segment has been started.
     */
    boolean isHeaderStarted()
    {
        return buffer.getLongVolatile(SegmentDescriptor.MAGIC_OFFSET) != 0;
    }

    /**
     * Check a started segment's header (and a sealed compacted segment's trailer) once, and fix where its frames
     * end. Called by the cache under its lock before any tailer reads the segment.
     *
     * @param directory of the journal, for advice.
     * @param journalId of the journal.
     * @throws JournalCorruptionException when the file is not this journal's segment at this base.
     */
    void start(final Path directory, final long journalId)
    {
        if (fileSize > segmentLength)
        {
            throw new JournalCorruptionException(path, -1, "segment file longer than the segment length: length=" +
                fileSize + " expected=" + segmentLength, Tailer.advice(directory));
        }
        final String problem = SegmentDescriptor.validateHeader(buffer, segmentLength, basePosition, journalId);
        if (problem != null)
        {
            throw new JournalCorruptionException(path, 0, problem + " (replaced under the reader?)",
                Tailer.advice(directory));
        }
        // a compacted segment holds only its kept frames, and a live one cut short keeps the frames before the
        // cut (the tailer refuses at the first frame the cut reaches): its frames end where the mapping does
        int end = file.length();
        if (SegmentDescriptor.isCompacted(buffer) && SegmentDescriptor.hasTrailer(buffer))
        {
            // format 2: the trailer says where the frames end; a reader must not look for them past it
            final String trailerProblem = SegmentDescriptor.validateTrailer(buffer, file.length());
            if (trailerProblem != null)
            {
                throw new JournalCorruptionException(path, -1, trailerProblem, "run 'varve verify " + directory + "'");
            }
            end = SegmentDescriptor.trailerFramesEnd(buffer, file.length());
        }
        framesEnd = end;
        started = true;
    }

    /**
     * Bytes mapped.
     *
     * @return the length of the mapping.
     */
    int mappedLength()
    {
        return file.length();
    }

    /**
     * Fill the page tables of a range of the mapping, so the tailers do not fault page by page; see
     * {@link PageTables#populateRead(long, long)}.
     *
     * @param from first byte, page aligned.
     * @param to   end of the range, exclusive.
     */
    void populate(final int from, final int to)
    {
        PageTables.populateRead(file.address() + from, to - from);
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
     * Point a reader at this segment's first frame. The reader gets a view of its own for checksums, whose position
     * and limit it moves: tailers on other threads read the same mapping. That view is the one object a tailer
     * allocates when it rolls to a segment or seeks.
     *
     * @param frames to wrap.
     * @return the reader.
     */
    FrameReader wrap(final FrameReader frames)
    {
        return frames.wrap(buffer, file.checksumView().duplicate(), limit(), frameKind());
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
        final Index index = openIndex();
        return scanStart(frames, index, lastEntryAtOrBelow(frames, index, sequence, true));
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
        final Index index = openIndex();
        return scanStart(frames, index, lastEntryAtOrBelow(frames, index, timestamp - 1, false));
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
        final Index index = openIndex();
        if (index == null)
        {
            return frames;
        }
        final UnsafeBuffer entries = index.buffer;
        int low = 0;
        int high = validEntries(index) - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (IndexDescriptor.frameOffsetVolatile(entries, mid) <= offset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        // walking back, an entry out of order (damage) may lie beyond the offset: never start past what is sought
        while (found >= 0 && (IndexDescriptor.frameOffsetVolatile(entries, found) > offset ||
            !entryMatchesFrame(frames, entries, found)))
        {
            found--;
        }
        return scanStart(frames, index, found);
    }

    private FrameReader scanStart(final FrameReader frames, final Index index, final int entry)
    {
        if (entry < 0)
        {
            return frames.position(SegmentDescriptor.HEADER_LENGTH, baseSequence(), Long.MIN_VALUE);
        }
        return frames.position(IndexDescriptor.frameOffsetVolatile(index.buffer, entry),
            IndexDescriptor.sequence(index.buffer, entry), Long.MIN_VALUE);
    }

    private int lastEntryAtOrBelow(
        final FrameReader frames, final Index index, final long key, final boolean bySequence)
    {
        if (index == null)
        {
            return -1;
        }
        final UnsafeBuffer entries = index.buffer;
        int low = 0;
        int high = validEntries(index) - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (keyOf(entries, mid, bySequence) <= key)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        // walking back, an entry out of order (damage) may be above the key: starting there would skip records
        while (found >= 0 && (keyOf(entries, found, bySequence) > key || !entryMatchesFrame(frames, entries, found)))
        {
            found--;
        }
        return found;
    }

    private static long keyOf(final UnsafeBuffer entries, final int entry, final boolean bySequence)
    {
        return bySequence ? IndexDescriptor.sequence(entries, entry) : IndexDescriptor.timestamp(entries, entry);
    }

    private static int validEntries(final Index index)
    {
        int low = 0;
        int high = index.capacity;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (IndexDescriptor.frameOffsetVolatile(index.buffer, mid) != 0)
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
    private boolean entryMatchesFrame(final FrameReader frames, final UnsafeBuffer entries, final int entry)
    {
        final int frameOffset = IndexDescriptor.frameOffsetVolatile(entries, entry);
        if (frameOffset < SegmentDescriptor.HEADER_LENGTH || frameOffset > limit() ||
            (frameOffset & (FrameDescriptor.FRAME_ALIGNMENT - 1)) != 0)
        {
            return false;
        }
        final long sequence = IndexDescriptor.sequence(entries, entry);
        frames.position(frameOffset, sequence, Long.MIN_VALUE);
        return frames.next() == FrameReader.RECORD && frames.sequence() == sequence &&
            frames.timestamp() == IndexDescriptor.timestamp(entries, entry);
    }

    /**
     * The segment's index as the file now at its path holds it, mapped once and kept while that file stays the
     * same: an index deleted and created again (the writer re-preparing the segment) is mapped anew, and the old
     * mapping is kept until this segment is unmapped, since a seek on another thread may still be reading it.
     *
     * @return the index, or null when there is none usable: seeks then scan from the segment's first frame.
     */
    private synchronized Index openIndex()
    {
        final Path indexPath = path.resolveSibling(JournalDirectoryLayout.indexFileName(basePosition));
        final BasicFileAttributes attributes = SegmentCache.attributes(indexPath);
        if (attributes == null || attributes.size() < IndexDescriptor.HEADER_LENGTH)
        {
            return null;
        }
        final long size = attributes.size();
        final Object key = attributes.fileKey();
        if (index != null && index.size == size && key != null && key.equals(index.key))
        {
            return index;
        }
        try
        {
            final MappedFile candidate = MappedFile.map(indexPath, (int)Math.min(size, Integer.MAX_VALUE), true);
            final UnsafeBuffer candidateBuffer = candidate.buffer();
            final long journalId = SegmentDescriptor.journalId(buffer);
            if (!IndexDescriptor.isHeaderValid(candidateBuffer, basePosition, journalId) ||
                size < IndexDescriptor.fileLength(segmentLength, IndexDescriptor.interval(candidateBuffer)))
            {
                candidate.close();
                return null;
            }
            if (index != null)
            {
                if (retiredIndexes == null)
                {
                    retiredIndexes = new ArrayList<>();
                }
                retiredIndexes.add(index.file);
            }
            index = new Index(candidate, key, size,
                IndexDescriptor.capacity(segmentLength, IndexDescriptor.interval(candidateBuffer)));
            return index;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * Unmap the segment and its index. Called by the cache once no tailer holds it.
     */
    synchronized void unmap()
    {
        file.close();
        if (index != null)
        {
            index.file.close();
            index = null;
        }
        if (retiredIndexes != null)
        {
            for (final MappedFile retired : retiredIndexes)
            {
                retired.close();
            }
            retiredIndexes = null;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "MappedSegment{" + path + '}';
    }

    /**
     * One mapping of an index file, with the identity it was mapped under.
     */
    private static final class Index
    {
        final MappedFile file;
        final UnsafeBuffer buffer;
        final Object key;
        final long size;
        final int capacity;

        Index(final MappedFile file, final Object key, final long size, final int capacity)
        {
            this.file = file;
            this.buffer = file.buffer();
            this.key = key;
            this.size = size;
            this.capacity = capacity;
        }
    }
}
