package io.varve.journal.compaction;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;

/**
 * Keyed compaction. It reads every record of the journal once to learn the newest sequence of each key, then
 * rewrites each sealed segment that lies wholly below the durable position and holds something to drop: keyed
 * records that a newer record of the same key supersedes, and tombstones older than the grace period. Records
 * without a key are always kept. Kept frames are copied byte for byte, so sequence numbers, timestamps, checksums
 * and order are preserved; positions inside a compacted segment change, and its header carries
 * {@link SegmentDescriptor#FLAG_COMPACTED}.
 * <p>
 * A compacted segment file holds only the kept frames, rounded up to a page, so compaction frees disk space. It is
 * written under a temporary name, forced, and renamed over the original; the directory is forced after each swap.
 * A crash at any point leaves each segment either wholly old or wholly new, and a temporary file that the next open
 * deletes. Tailers that have the old segment mapped keep reading it undisturbed (the renamed-over file stays valid
 * for them); later readers see the compacted one. Compaction and retention never touch the same segment at once.
 * <p>
 * Threading: runs on the calling thread, while the writer appends; one compaction at a time per journal.
 */
public final class JournalCompactor
{
    /** Suffix of a compacted segment or index being written, deleted by the next open if a crash left it. */
    public static final String TEMPORARY_SUFFIX = JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX;

    private static final int PAGE = 4096;

    private final JournalDirectory directory;
    private final int segmentLength;
    private final int indexInterval;
    private final Lock segmentFilesLock;
    private final Map<Key, Long> newest = new HashMap<>();

    /**
     * A compactor of one journal, built by {@code Journal.compact}.
     *
     * @param directory        of the journal.
     * @param segmentLength    of the journal.
     * @param indexInterval    bytes between index entries of rewritten segments.
     * @param segmentFilesLock held while a segment file is swapped, so retention never deletes it meanwhile.
     */
    public JournalCompactor(
        final JournalDirectory directory,
        final int segmentLength,
        final int indexInterval,
        final Lock segmentFilesLock)
    {
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.indexInterval = indexInterval;
        this.segmentFilesLock = segmentFilesLock;
    }

    /**
     * Compact the sealed segments below a durable position.
     *
     * @param durablePosition  only segments that end at or below it are rewritten.
     * @param writerPosition   records below it are read to learn each key's newest sequence.
     * @param tombstonesBefore tombstones with an earlier timestamp (epoch nanos) are dropped.
     * @return what was done.
     */
    public CompactionReport compact(final long durablePosition, final long writerPosition, final long tombstonesBefore)
    {
        final long start = System.nanoTime();
        newest.clear();
        final long[] bases = directory.listSegments();
        for (final long base : bases)
        {
            if (base < writerPosition)
            {
                readKeys(base, writerPosition);
            }
        }
        final Totals totals = new Totals();
        for (final long base : bases)
        {
            if (base + segmentLength <= durablePosition && base + segmentLength <= writerPosition)
            {
                rewrite(base, tombstonesBefore, totals);
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
    }

    private MappedFile mapStarted(final long base) throws IOException
    {
        final Path path = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
        if (!Files.exists(path))
        {
            return null;
        }
        final int length = (int)Math.min(Files.size(path), segmentLength);
        if (length < SegmentDescriptor.HEADER_LENGTH)
        {
            return null;
        }
        final MappedFile file = MappedFile.map(path, length, true);
        if (SegmentDescriptor.magicVolatile(file.buffer()) == 0)
        {
            file.close();
            return null;
        }
        return file;
    }

    private void readKeys(final long base, final long writerPosition)
    {
        try (MappedFile file = mapStarted(base))
        {
            if (file == null)
            {
                return;
            }
            final UnsafeBuffer segment = file.buffer();
            final int limit = (int)Math.min(file.length(), writerPosition - base);
            int offset = SegmentDescriptor.HEADER_LENGTH;
            while (offset <= limit - FrameDescriptor.HEADER_LENGTH)
            {
                final int length = segment.getIntVolatile(offset);
                if (length < FrameDescriptor.HEADER_LENGTH || FrameDescriptor.alignedLength(length) > limit - offset ||
                    FrameDescriptor.type(segment, offset) == FrameDescriptor.PADDING_TYPE)
                {
                    break;
                }
                final int keyLength = FrameDescriptor.keyLength(segment, offset);
                if (keyLength > 0 && keyLength <= length - FrameDescriptor.HEADER_LENGTH)
                {
                    newest.put(Key.of(segment, offset + FrameDescriptor.HEADER_LENGTH, keyLength),
                        FrameDescriptor.sequence(segment, offset));
                }
                offset += FrameDescriptor.alignedLength(length);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("compaction cannot read segment: base=" + base, ex);
        }
    }

    private void rewrite(final long base, final long tombstonesBefore, final Totals totals)
    {
        final String name = JournalDirectoryLayout.segmentFileName(base);
        try (MappedFile file = mapStarted(base))
        {
            if (file == null)
            {
                return;
            }
            final UnsafeBuffer segment = file.buffer();
            final UnsafeBuffer compacted = new UnsafeBuffer(ByteBuffer.allocateDirect(file.length()));
            compacted.putBytes(0, segment, 0, SegmentDescriptor.HEADER_LENGTH);
            int out = SegmentDescriptor.HEADER_LENGTH;
            int offset = SegmentDescriptor.HEADER_LENGTH;
            long kept = 0;
            long superseded = 0;
            long tombstones = 0;
            final int limit = file.length();
            while (offset <= limit - FrameDescriptor.HEADER_LENGTH)
            {
                final int length = segment.getIntVolatile(offset);
                if (length < FrameDescriptor.HEADER_LENGTH || FrameDescriptor.alignedLength(length) > limit - offset ||
                    FrameDescriptor.type(segment, offset) == FrameDescriptor.PADDING_TYPE)
                {
                    break;
                }
                final int aligned = FrameDescriptor.alignedLength(length);
                final int verdict = verdict(segment, offset, length, tombstonesBefore);
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
                offset += aligned;
            }
            if (superseded + tombstones == 0)
            {
                return;
            }
            final int fileLength = Math.max(PAGE, (out + PAGE - 1) & -PAGE);
            markCompacted(compacted);
            final Path temporarySegment = directory.resolve(name + TEMPORARY_SUFFIX);
            final Path temporaryIndex = directory.resolve(JournalDirectoryLayout.indexFileName(base) +
                TEMPORARY_SUFFIX);
            writeFile(temporarySegment, compacted, fileLength);
            writeIndex(temporaryIndex, compacted, out, base, SegmentDescriptor.journalId(segment));
            if (swap(base, temporarySegment, temporaryIndex))
            {
                totals.segments++;
                totals.kept += kept;
                totals.superseded += superseded;
                totals.tombstones += tombstones;
                totals.reclaimed += file.length() - fileLength;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("compaction cannot rewrite segment: file=" + name, ex);
        }
    }

    private static final int KEEP = 0;
    private static final int SUPERSEDED = 1;
    private static final int EXPIRED_TOMBSTONE = 2;

    private int verdict(final UnsafeBuffer segment, final int offset, final int length, final long tombstonesBefore)
    {
        final int keyLength = FrameDescriptor.keyLength(segment, offset);
        if (keyLength == 0 || keyLength > length - FrameDescriptor.HEADER_LENGTH)
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
        header.putInt(SegmentDescriptor.FLAGS_OFFSET,
            SegmentDescriptor.flags(header) | SegmentDescriptor.FLAG_COMPACTED, java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(SegmentDescriptor.HEADER_CHECKSUM_OFFSET, SegmentDescriptor.computeHeaderChecksum(header),
            java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private void writeIndex(
        final Path path, final UnsafeBuffer compacted, final int end, final long base, final long journalId)
        throws IOException
    {
        final int length = IndexDescriptor.fileLength(segmentLength, indexInterval);
        final UnsafeBuffer index = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        IndexDescriptor.writeHeader(index, base, journalId, indexInterval);
        int entry = 0;
        int nextIndexed = 0;
        int offset = SegmentDescriptor.HEADER_LENGTH;
        while (offset < end)
        {
            if (offset >= nextIndexed)
            {
                IndexDescriptor.putEntry(index, entry++, FrameDescriptor.sequence(compacted, offset),
                    FrameDescriptor.timestamp(compacted, offset), offset);
                nextIndexed = (offset & -indexInterval) + indexInterval;
            }
            offset += FrameDescriptor.alignedLength(compacted.getInt(offset));
        }
        writeFile(path, index, length);
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
