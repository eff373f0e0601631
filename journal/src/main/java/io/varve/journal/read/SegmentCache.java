package io.varve.journal.read;

import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.AccessDenied;
import io.varve.journal.storage.PageTables;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;

/**
 * The segment mappings of one {@link JournalReader}, shared by all its tailers: each segment file is mapped (and its
 * page tables populated) once, however many tailers read it and however often they seek into it. A tailer acquires
 * a segment when it rolls to it or seeks into it and releases it when it moves on; a mapping stays while any tailer
 * holds it, and the last {@link #KEPT_IDLE} segments no tailer holds stay mapped for the next tailer, lap or seek.
 * <p>
 * Every acquire reads the file's identity (device, inode and length) at the segment's path and serves a cached
 * mapping only when it is of that same file: a segment deleted by retention is not served from the cache (the
 * tailers holding it keep reading it, since a deleted file stays mapped), and a file deleted and created again
 * under the same name, replaced by a rename (compaction) or cut short is mapped anew. The old mapping is unmapped
 * once its last holder lets go. Kept segments that retention has deleted are dropped when a tailer next lets go of
 * one, so they do not hold on to the disk space.
 * <p>
 * A segment the writer allocated ahead and has not started (full length, magic still zero) may be mapped and
 * populated early by {@link #acquirePrepared(long)}, so that a live tailer does not take the page faults when the
 * writer rolls into it; a tailer reads it only once {@link #acquireIfStarted(long)} finds its header started and
 * valid.
 * <p>
 * Threading: threadsafe. Acquire and release take this object's lock; they happen when a tailer rolls to another
 * segment, seeks, or waits at the end of a segment for the next one, never while it polls records. Populating a
 * mapping's page tables happens outside the lock. A mapping is unmapped only when no tailer holds it, so no
 * tailer ever reads an unmapped address.
 */
final class SegmentCache
{
    /**
     * Segments no tailer holds that stay mapped, the most recently released ones: enough for a second tailer a
     * segment or two behind the first, and for the segments a seek's binary search visits last.
     */
    static final int KEPT_IDLE = 4;
    /**
     * Bytes of a live segment whose page tables a tailer has populated at a time, ahead of where it reads: one
     * populate call stays short (a thousand pages), so a live tailer's poll never stalls on a whole segment.
     */
    static final int POPULATE_WINDOW = 4 * 1024 * 1024;

    private final Path directory;
    private final int segmentLength;
    private final long journalId;
    private final int keptIdle;
    private final AtomicCounter firstPosition;
    private final Long2ObjectHashMap<MappedSegment> current = new Long2ObjectHashMap<>();
    private final ArrayList<MappedSegment> idle = new ArrayList<>();
    private long mappingsCreated;
    private int mappingsOpen;
    private boolean closed;

    /**
     * The mappings of one journal.
     *
     * @param directory     of the journal.
     * @param segmentLength of the journal.
     * @param journalId     of the journal.
     * @param keptIdle      segments no tailer holds to keep mapped.
     * @param firstPosition the journal's first position: kept segments below it, deleted by retention, are dropped.
     */
    SegmentCache(
        final Path directory,
        final int segmentLength,
        final long journalId,
        final int keptIdle,
        final AtomicCounter firstPosition)
    {
        this.firstPosition = firstPosition;
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.journalId = journalId;
        this.keptIdle = keptIdle;
    }

    /**
     * Acquire a started segment for reading; release it with {@link #release(MappedSegment)}.
     *
     * @param basePosition of the segment.
     * @return the segment, or null when its file does not exist, is still being allocated, or has not been started.
     * @throws JournalCorruptionException when the file is started but is not this journal's segment at that base.
     * @throws JournalClosedException     when the reader is closed.
     */
    MappedSegment acquireIfStarted(final long basePosition)
    {
        synchronized (this)
        {
            final MappedSegment segment = lookup(basePosition, false);
            if (segment == null)
            {
                return null;
            }
            if (!segment.started)
            {
                if (!segment.isHeaderStarted())
                {
                    // allocated ahead and not started yet: keep the mapping for when it is
                    if (segment.holders == 0)
                    {
                        park(segment);
                    }
                    return null;
                }
                try
                {
                    segment.start(directory, journalId);
                }
                catch (final RuntimeException ex)
                {
                    retire(segment);
                    throw ex;
                }
            }
            hold(segment);
            return segment;
        }
    }

    /**
     * Acquire the mapping of a segment file that exists at full length, started or not, to have it mapped and the
     * page tables of its first {@link #POPULATE_WINDOW} populated before a tailer reads it. Reading it still waits
     * for {@link #acquireIfStarted(long)}.
     *
     * @param basePosition of the segment.
     * @return the mapping, or null when no file of the segment's full length is there.
     * @throws JournalClosedException when the reader is closed.
     */
    MappedSegment acquirePrepared(final long basePosition)
    {
        final MappedSegment segment;
        synchronized (this)
        {
            segment = lookup(basePosition, true);
            if (segment == null)
            {
                return null;
            }
            hold(segment);
        }
        populate(segment, 0, POPULATE_WINDOW);
        return segment;
    }

    /**
     * Have the page tables of a held segment populated over a window from an offset, where a tailer is about to
     * read, unless that was done already for this mapping: once for every tailer of the reader. A populated range
     * the window starts in is extended; a window elsewhere (a seek) starts a new range. A tailer that seeks to the
     * end of a segment populates only what lies past the end. The populate call runs outside the lock.
     *
     * @param segment held by the caller.
     * @param offset  where the caller reads from.
     * @param window  bytes from the offset to have populated.
     */
    void populate(final MappedSegment segment, final int offset, final int window)
    {
        final int length = segment.mappedLength();
        final int start = Math.max(0, Math.min(offset, length)) & -PageTables.PAGE_SIZE;
        final int end = (int)Math.min(length, (long)start + window);
        if (start >= end)
        {
            return;
        }
        final int from;
        synchronized (this)
        {
            if (start >= segment.populatedFrom && start <= segment.populatedTo)
            {
                if (end <= segment.populatedTo)
                {
                    return;
                }
                from = segment.populatedTo;
            }
            else
            {
                from = start;
                segment.populatedFrom = start;
            }
            segment.populatedTo = end;
        }
        segment.populate(from, end);
    }

    /**
     * Let go of a segment acquired from this cache. The holder must not read it afterwards.
     *
     * @param segment acquired, or null for nothing.
     */
    synchronized void release(final MappedSegment segment)
    {
        if (segment == null)
        {
            return;
        }
        if (segment.holders <= 0)
        {
            throw new IllegalStateException("segment released more often than acquired: " + segment);
        }
        if (--segment.holders > 0)
        {
            return;
        }
        if (!segment.current || closed)
        {
            unmap(segment);
            return;
        }
        park(segment);
    }

    /**
     * Keep a mapping no tailer holds, unmapping the least recently kept one beyond the bound.
     */
    private void park(final MappedSegment segment)
    {
        if (idle.contains(segment))
        {
            return;
        }
        idle.add(segment);
        dropDeleted();
        if (idle.size() > keptIdle)
        {
            final MappedSegment oldest = idle.remove(0);
            current.remove(oldest.basePosition());
            oldest.current = false;
            unmap(oldest);
        }
    }

    /**
     * Unmap every segment no tailer holds; those still held are unmapped when their holders release them.
     */
    synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            for (final MappedSegment segment : current.values())
            {
                segment.current = false;
                if (segment.holders == 0)
                {
                    unmap(segment);
                }
            }
            idle.clear();
            current.clear();
        }
    }

    /**
     * Segment files mapped since this cache was created: a second tailer over the same segments maps none.
     *
     * @return mappings created.
     */
    synchronized long mappingsCreated()
    {
        return mappingsCreated;
    }

    /**
     * Segment files mapped now, held or kept.
     *
     * @return mappings not yet unmapped.
     */
    synchronized int mappingsOpen()
    {
        return mappingsOpen;
    }

    /**
     * The identity and length of a file, or null when there is none at the path.
     *
     * @param path of the file.
     * @return its attributes, or null.
     * @throws io.varve.journal.JournalConfigurationException when it may not be read.
     */
    static BasicFileAttributes attributes(final Path path)
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            if (AccessDenied.is(ex))
            {
                throw AccessDenied.exception(path, "read the segment", ex);
            }
            return null;
        }
    }

    /**
     * The mapping of the file now at a segment's path: the cached one when it is of that file, else a new one.
     * The identity is read before the file is mapped, so a mapping is never newer than the identity it is kept
     * under and a file replaced in between is mapped again at the next look rather than served stale.
     */
    private MappedSegment lookup(final long basePosition, final boolean fullLengthOnly)
    {
        if (closed)
        {
            throw new JournalClosedException("reader of journal " + directory);
        }
        final Path path = directory.resolve(JournalDirectoryLayout.segmentFileName(basePosition));
        final BasicFileAttributes attributes = attributes(path);
        final MappedSegment cached = current.get(basePosition);
        if (cached != null)
        {
            if (attributes != null && cached.isSameFile(attributes.fileKey(), attributes.size()))
            {
                return cached;
            }
            retire(cached);
        }
        if (attributes == null)
        {
            return null;
        }
        final long size = attributes.size();
        if (size != segmentLength)
        {
            // being allocated, compacted, cut short or too long: map only what a tailer is to read now, a started
            // segment, and read the header with a plain read first so a growing file is not mapped over and over
            if (fullLengthOnly || size < SegmentDescriptor.HEADER_LENGTH || !isStarted(path))
            {
                return null;
            }
        }
        final MappedSegment segment;
        try
        {
            segment = MappedSegment.map(path, basePosition, segmentLength, attributes.fileKey(), size);
        }
        catch (final IOException ex)
        {
            // deleted or replaced by a shorter file since we looked: not there to read
            return null;
        }
        mappingsCreated++;
        mappingsOpen++;
        current.put(basePosition, segment);
        return segment;
    }

    private static boolean isStarted(final Path path)
    {
        final UnsafeBuffer header = SegmentHeaderReader.read(path);
        return header != null && header.getLong(SegmentDescriptor.MAGIC_OFFSET) != 0;
    }

    /**
     * Unmap the kept segments retention has deleted (wholly below the first position): a deleted file's blocks stay
     * allocated while it is mapped, and no tailer is served a deleted file from the cache anyway.
     */
    private void dropDeleted()
    {
        final long first = firstPosition.get();
        for (int i = idle.size() - 1; i >= 0; i--)
        {
            final MappedSegment segment = idle.get(i);
            if (segment.basePosition() + segmentLength <= first)
            {
                idle.remove(i);
                current.remove(segment.basePosition());
                segment.current = false;
                unmap(segment);
            }
        }
    }

    private void hold(final MappedSegment segment)
    {
        if (segment.holders++ == 0)
        {
            idle.remove(segment);
        }
    }

    /**
     * The file at the segment's path is no longer the one mapped: forget the mapping, and unmap it unless a tailer
     * still reads it (its last release does).
     */
    private void retire(final MappedSegment segment)
    {
        if (current.get(segment.basePosition()) == segment)
        {
            current.remove(segment.basePosition());
        }
        segment.current = false;
        if (segment.holders == 0)
        {
            idle.remove(segment);
            unmap(segment);
        }
    }

    private void unmap(final MappedSegment segment)
    {
        segment.unmap();
        mappingsOpen--;
    }
}
