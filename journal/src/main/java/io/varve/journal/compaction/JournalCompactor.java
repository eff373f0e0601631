package io.varve.journal.compaction;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.SegmentFrames;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Keyed compaction. It reads every record of the journal once to learn the newest sequence of each key, then
 * rewrites each sealed segment that lies wholly below the durable position and holds something to drop: keyed
 * records that a newer record of the same key supersedes, and tombstones older than the grace period. Records
 * without a key are always kept. Kept frames are copied byte for byte, so sequence numbers, timestamps, checksums
 * and order are preserved; positions inside a compacted segment change, and its header carries
 * {@link SegmentDescriptor#FLAG_COMPACTED} and format version {@link SegmentDescriptor#COMPACTED_FORMAT_VERSION}, with
 * a trailer that states its frames end, record count and frames checksum, so that the compacted segment can be
 * checked whole.
 * <p>
 * Compaction never copies what it has not checked: both walks read the segments through {@link SegmentFrames} and
 * its {@link FrameReader}, and a damaged frame or segment file, a segment that does not continue the one before it,
 * or a frame length of zero inside a segment below the durable position aborts the compaction with a
 * {@link JournalCorruptionException} before any segment is replaced (every temporary file is removed, every original
 * left as it was). Damage at or beyond the durable position (a tail not yet forced, which the next open's recovery
 * handles) only ends the walk that learns the keys there.
 * <p>
 * A compacted segment file holds only the kept frames and its trailer, rounded up to a page, so compaction frees
 * disk space. All compacted segments are written under temporary names and forced first, then each is renamed over
 * its original; the directory is forced after each swap. A crash at any point leaves each segment either wholly old
 * or wholly new, and temporary files that the next open deletes. Tailers that have the old segment mapped keep
 * reading it undisturbed (the renamed-over file stays valid for them); later readers see the compacted one.
 * Compaction and retention never touch the same segment at once.
 * <p>
 * Threading: runs on the calling thread, while the writer appends; one compaction at a time per journal.
 */
public final class JournalCompactor
{
    /** Suffix of a compacted segment or index being written, deleted by the next open if a crash left it. */
    public static final String TEMPORARY_SUFFIX = JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX;

    private final JournalDirectory directory;
    private final int segmentLength;
    private final long journalId;
    private final int indexInterval;
    private final Lock segmentFilesLock;
    private final Map<Key, Long> newest = new HashMap<>();
    private final String advice;

    /**
     * A compactor of one journal, built by {@code Journal.compact}.
     *
     * @param directory        of the journal.
     * @param segmentLength    of the journal.
     * @param journalId        of the journal, from its metadata.
     * @param indexInterval    bytes between index entries of rewritten segments.
     * @param segmentFilesLock held while a segment file is swapped, so retention never deletes it meanwhile.
     */
    public JournalCompactor(
        final JournalDirectory directory,
        final int segmentLength,
        final long journalId,
        final int indexInterval,
        final Lock segmentFilesLock)
    {
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.journalId = journalId;
        this.indexInterval = indexInterval;
        this.segmentFilesLock = segmentFilesLock;
        this.advice = "compaction refused, nothing was changed; run 'varve verify " + directory.path() +
            "' to see the damage and 'varve repair " + directory.path() + "' to repair it";
    }

    /**
     * Compact the sealed segments below a durable position.
     *
     * @param durablePosition  only segments that end at or below it are rewritten.
     * @param writerPosition   records below it are read to learn each key's newest sequence.
     * @param tombstonesBefore tombstones with an earlier timestamp (epoch nanos) are dropped.
     * @return what was done.
     * @throws JournalCorruptionException when a segment below the durable position is damaged; nothing was changed.
     */
    public CompactionReport compact(final long durablePosition, final long writerPosition, final long tombstonesBefore)
    {
        final long start = System.nanoTime();
        newest.clear();
        final List<Long> sealed = readKeys(directory.listSegments(), durablePosition, writerPosition);
        final List<Rewrite> rewrites = new ArrayList<>();
        try (SegmentFrames segments = new SegmentFrames(directory.path(), segmentLength, journalId, true, false))
        {
            for (final long base : sealed)
            {
                final Rewrite rewrite = rewrite(segments, base, tombstonesBefore);
                if (rewrite != null)
                {
                    rewrites.add(rewrite);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            for (final Rewrite rewrite : rewrites)
            {
                rewrite.deleteTemporaries();
            }
            throw ex;
        }
        final Totals totals = new Totals();
        for (int i = 0; i < rewrites.size(); i++)
        {
            final Rewrite rewrite = rewrites.get(i);
            try
            {
                if (swap(rewrite.base, rewrite.temporarySegment, rewrite.temporaryIndex))
                {
                    totals.add(rewrite);
                }
            }
            catch (final IOException ex)
            {
                for (int j = i; j < rewrites.size(); j++)
                {
                    rewrites.get(j).deleteTemporaries();
                }
                throw new UncheckedIOException("compaction cannot swap segment: file=" +
                    JournalDirectoryLayout.segmentFileName(rewrite.base), ex);
            }
        }
        return new CompactionReport(totals.segments, totals.kept, totals.superseded, totals.tombstones,
            totals.reclaimed, newest.size(), System.nanoTime() - start);
    }

    private static final class Totals
    {
        private int segments;
        private long kept;
        private long superseded;
        private long tombstones;
        private long reclaimed;

        void add(final Rewrite rewrite)
        {
            segments++;
            kept += rewrite.kept;
            superseded += rewrite.superseded;
            tombstones += rewrite.tombstones;
            reclaimed += rewrite.reclaimed;
        }
    }

    /**
     * A compacted segment and its index written under temporary names, not yet swapped in.
     */
    private record Rewrite(
        long base,
        Path temporarySegment,
        Path temporaryIndex,
        long kept,
        long superseded,
        long tombstones,
        long reclaimed)
    {
        void deleteTemporaries()
        {
            JournalDirectory.deleteQuietly(temporarySegment);
            JournalDirectory.deleteQuietly(temporaryIndex);
        }
    }

    /**
     * Walk the journal's chain up to the writer position, checking every frame, and learn each key's newest sequence.
     *
     * @return the bases of the segments that end at or below both positions and were read whole, in order.
     */
    private List<Long> readKeys(final long[] bases, final long durablePosition, final long writerPosition)
    {
        final List<Long> sealed = new ArrayList<>();
        try (SegmentFrames segments = new SegmentFrames(directory.path(), segmentLength, journalId, true, false))
        {
            long expectedSequence = -1;
            boolean previousCompacted = false;
            boolean opened = false;
            for (int i = 0; i < bases.length && bases[i] < writerPosition; i++)
            {
                final long base = bases[i];
                if (opened && base != bases[i - 1] + segmentLength)
                {
                    final long missing = bases[i - 1] + segmentLength;
                    damage(directory.resolve(JournalDirectoryLayout.segmentFileName(missing)), missing, -1,
                        "segment file missing", durablePosition);
                    return sealed;
                }
                final int state = segments.open(base);
                if (state == SegmentFrames.MISSING && (!opened || deletedByRetention(base)))
                {
                    // retention deleted it since the listing: the journal now starts after it
                    opened = false;
                    expectedSequence = -1;
                    continue;
                }
                if (state != SegmentFrames.OPENED)
                {
                    final String reason = state == SegmentFrames.DAMAGED ? segments.problem() :
                        state == SegmentFrames.MISSING ? "segment file missing" : "segment never started";
                    // a segment not started holds no frames: damage only when the durable position lies past its
                    // first frame
                    final boolean unstarted = state == SegmentFrames.NOT_STARTED;
                    damage(segments.path(), unstarted ? base + SegmentDescriptor.HEADER_LENGTH : base,
                        unstarted ? 0 : -1, reason, durablePosition);
                    return sealed;
                }
                opened = true;
                if (expectedSequence >= 0)
                {
                    final String gap = segments.continues(expectedSequence, previousCompacted);
                    if (gap != null)
                    {
                        damage(segments.path(), base, SegmentDescriptor.BASE_SEQUENCE_OFFSET, gap, durablePosition);
                        return sealed;
                    }
                }
                final FrameReader frames = segments.frames();
                long records = 0;
                int result;
                while ((result = frames.next()) == FrameReader.RECORD &&
                    (segments.isCompacted() || base + frames.offset() < writerPosition))
                {
                    final int offset = frames.offset();
                    final UnsafeBuffer segment = segments.file().buffer();
                    final int keyLength = FrameDescriptor.keyLength(segment, offset);
                    if (keyLength > 0)
                    {
                        newest.put(Key.of(segment, offset + FrameDescriptor.HEADER_LENGTH, keyLength),
                            frames.sequence());
                    }
                    records++;
                    frames.advance();
                }
                if (result == FrameReader.RECORD)
                {
                    return sealed; // the writer position: records after it are not read
                }
                if (result != FrameReader.END_OF_SEGMENT)
                {
                    final String reason = result == FrameReader.DAMAGED ? frames.reason() :
                        "frame length is zero below the durable position: durablePosition=" + durablePosition;
                    damage(segments.path(), base + frames.offset(), frames.offset(), reason, durablePosition);
                    return sealed;
                }
                final String incomplete = segments.checkEnd(records);
                if (incomplete != null)
                {
                    damage(segments.path(), base, frames.offset(), incomplete, durablePosition);
                    return sealed;
                }
                if (base + segmentLength <= durablePosition && base + segmentLength <= writerPosition)
                {
                    sealed.add(base);
                }
                expectedSequence = frames.nextSequence();
                previousCompacted = segments.isCompacted();
            }
        }
        return sealed;
    }

    private boolean deletedByRetention(final long base)
    {
        final long[] bases = directory.listSegments();
        return bases.length == 0 || bases[0] > base;
    }

    /**
     * Damage found at a position: below the durable position compaction refuses; at or beyond it (a tail not yet
     * forced, which the next open's recovery handles) the caller stops reading there.
     */
    private void damage(
        final Path file, final long position, final long offset, final String reason, final long durablePosition)
    {
        if (position < durablePosition)
        {
            throw new JournalCorruptionException(file, offset, reason, advice);
        }
    }

    private Rewrite rewrite(final SegmentFrames segments, final long base, final long tombstonesBefore)
    {
        final String name = JournalDirectoryLayout.segmentFileName(base);
        final int state = segments.open(base);
        if (state == SegmentFrames.MISSING)
        {
            return null; // retention deleted it meanwhile
        }
        if (state != SegmentFrames.OPENED)
        {
            throw new JournalCorruptionException(segments.path(), -1,
                state == SegmentFrames.DAMAGED ? segments.problem() : "segment never started", advice);
        }
        final UnsafeBuffer segment = segments.file().buffer();
        final FrameReader frames = segments.frames();
        final int capacity = SegmentDescriptor.compactedFileLength(segments.limit());
        final UnsafeBuffer compacted = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        compacted.putBytes(0, segment, 0, SegmentDescriptor.HEADER_LENGTH);
        int out = SegmentDescriptor.HEADER_LENGTH;
        long records = 0;
        long kept = 0;
        long superseded = 0;
        long tombstones = 0;
        int result;
        while ((result = frames.next()) == FrameReader.RECORD)
        {
            final int offset = frames.offset();
            final int aligned = frames.alignedLength();
            final int verdict = verdict(segment, offset, tombstonesBefore);
            if (verdict == KEEP)
            {
                compacted.putBytes(out, segment, offset, aligned);
                out += aligned;
                kept++;
            }
            else if (verdict == SUPERSEDED)
            {
                superseded++;
            }
            else
            {
                tombstones++;
            }
            records++;
            frames.advance();
        }
        final String problem = result == FrameReader.DAMAGED ? frames.reason() :
            result == FrameReader.NOT_WRITTEN ? "frame length is zero in a segment below the durable position" :
            segments.checkEnd(records);
        if (problem != null)
        {
            // it was whole when the keys were read: changed since
            throw new JournalCorruptionException(segments.path(), frames.offset(), problem, advice);
        }
        if (superseded + tombstones == 0)
        {
            return null;
        }
        final int fileLength = SegmentDescriptor.compactedFileLength(out);
        markCompacted(compacted);
        SegmentDescriptor.writeTrailer(compacted, fileLength, (int)kept, out);
        final Path temporarySegment = directory.resolve(name + TEMPORARY_SUFFIX);
        final Path temporaryIndex = directory.resolve(JournalDirectoryLayout.indexFileName(base) + TEMPORARY_SUFFIX);
        try
        {
            final UnsafeBuffer index = index(compacted, fileLength, base, kept);
            writeFile(temporarySegment, compacted, fileLength);
            writeFile(temporaryIndex, index, index.capacity());
        }
        catch (final IOException | RuntimeException ex)
        {
            JournalDirectory.deleteQuietly(temporarySegment);
            JournalDirectory.deleteQuietly(temporaryIndex);
            if (ex instanceof RuntimeException)
            {
                throw (RuntimeException)ex;
            }
            throw new UncheckedIOException("compaction cannot write segment: file=" + name, (IOException)ex);
        }
        return new Rewrite(base, temporarySegment, temporaryIndex, kept, superseded, tombstones,
            segments.file().length() - fileLength);
    }

    private static final int KEEP = 0;
    private static final int SUPERSEDED = 1;
    private static final int EXPIRED_TOMBSTONE = 2;

    private int verdict(final UnsafeBuffer segment, final int offset, final long tombstonesBefore)
    {
        // the frame was checked: its key fits in its payload
        final int keyLength = FrameDescriptor.keyLength(segment, offset);
        if (keyLength == 0)
        {
            return KEEP;
        }
        final Long newestSequence = newest.get(Key.of(segment, offset + FrameDescriptor.HEADER_LENGTH, keyLength));
        if (newestSequence != null && newestSequence > FrameDescriptor.sequence(segment, offset))
        {
            return SUPERSEDED;
        }
        final boolean tombstone = (FrameDescriptor.flags(segment, offset) & FrameDescriptor.FLAG_TOMBSTONE) != 0;
        return tombstone && FrameDescriptor.timestamp(segment, offset) < tombstonesBefore ? EXPIRED_TOMBSTONE : KEEP;
    }

    private static void markCompacted(final UnsafeBuffer header)
    {
        header.putInt(SegmentDescriptor.VERSION_OFFSET, SegmentDescriptor.COMPACTED_FORMAT_VERSION, LITTLE_ENDIAN);
        header.putInt(SegmentDescriptor.FLAGS_OFFSET,
            SegmentDescriptor.flags(header) | SegmentDescriptor.FLAG_COMPACTED, LITTLE_ENDIAN);
        header.putInt(SegmentDescriptor.HEADER_CHECKSUM_OFFSET, SegmentDescriptor.computeHeaderChecksum(header),
            LITTLE_ENDIAN);
    }

    /**
     * The index of a compacted segment, built by reading it back as a reader will, with every check: what is about to
     * replace the original must read whole.
     */
    private UnsafeBuffer index(final UnsafeBuffer compacted, final int fileLength, final long base, final long kept)
    {
        final int length = IndexDescriptor.fileLength(segmentLength, indexInterval);
        final UnsafeBuffer index = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        IndexDescriptor.writeHeader(index, base, journalId, indexInterval);
        final int framesEnd = SegmentDescriptor.trailerFramesEnd(compacted, fileLength);
        final FrameReader frames = new FrameReader(true).wrap(
            compacted, compacted.byteBuffer().duplicate(), framesEnd, FrameReader.COMPACTED_SEALED);
        int entry = 0;
        int nextIndexed = 0;
        long records = 0;
        int result;
        while ((result = frames.next()) == FrameReader.RECORD)
        {
            final int offset = frames.offset();
            if (offset >= nextIndexed)
            {
                IndexDescriptor.putEntry(index, entry++, frames.sequence(), frames.timestamp(), offset);
                nextIndexed = (offset & -indexInterval) + indexInterval;
            }
            records++;
            frames.advance();
        }
        final String problem = result != FrameReader.END_OF_SEGMENT ? frames.reason() :
            frames.offset() != framesEnd ? "frames end: expected=" + framesEnd + " found=" + frames.offset() :
            SegmentDescriptor.validateTrailer(compacted, fileLength) != null ?
            SegmentDescriptor.validateTrailer(compacted, fileLength) :
            SegmentDescriptor.checkFrames(compacted, fileLength, records);
        if (problem != null || records != kept)
        {
            throw new IllegalStateException("compacted segment does not read back: base=" + base + " records=" +
                records + " kept=" + kept + " problem=" + problem);
        }
        return index;
    }

    private void writeFile(final Path path, final UnsafeBuffer content, final int length) throws IOException
    {
        Files.deleteIfExists(path);
        directory.allocate(path.getFileName().toString(), length);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            final ByteBuffer bytes = content.byteBuffer().duplicate();
            bytes.clear().limit(Math.min(length, content.capacity()));
            while (bytes.hasRemaining())
            {
                channel.write(bytes, bytes.position());
            }
            channel.force(true);
        }
    }

    private boolean swap(final long base, final Path temporarySegment, final Path temporaryIndex)
        throws IOException
    {
        final Path segment = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
        segmentFilesLock.lock();
        try
        {
            if (!Files.exists(segment))
            {
                // retention deleted it meanwhile: nothing to replace
                Files.deleteIfExists(temporarySegment);
                Files.deleteIfExists(temporaryIndex);
                return false;
            }
            // the index first: a stale index is only a hint, a segment is the data
            Files.move(temporaryIndex, directory.resolve(JournalDirectoryLayout.indexFileName(base)),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporarySegment, segment, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            directory.fsync();
            return true;
        }
        finally
        {
            segmentFilesLock.unlock();
        }
    }

    /**
     * A key's bytes, as a map key.
     */
    private record Key(byte[] bytes)
    {
        static Key of(final UnsafeBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return new Key(bytes);
        }

        public boolean equals(final Object other)
        {
            return other instanceof Key && Arrays.equals(bytes, ((Key)other).bytes);
        }

        public int hashCode()
        {
            return Arrays.hashCode(bytes);
        }

        public String toString()
        {
            return Arrays.toString(bytes);
        }
    }
}
