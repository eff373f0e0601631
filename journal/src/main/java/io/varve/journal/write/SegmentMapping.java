package io.varve.journal.write;

import io.varve.journal.storage.ForceInterceptor;
import io.varve.journal.storage.MappedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A segment and its sparse index as the writer uses them: in {@link io.varve.journal.WriteMode#MAPPED} the segment
 * mapped read-write; in {@link io.varve.journal.WriteMode#POSITIONAL} the segment open as a file channel for
 * positional writes and never mapped. The index is mapped read-write in both.
 * <p>
 * Threading: handed from the preparer to the appender to the syncer; one owner at a time, but
 * {@link #force(int, int, ForceInterceptor)} may run on the syncer's thread while the appender writes.
 */
public final class SegmentMapping implements AutoCloseable
{
    private final long basePosition;
    private final MappedFile segment;
    private final FileChannel channel;
    private final Path segmentPath;
    private final MappedFile index;

    /**
     * A mapped pair.
     *
     * @param basePosition of the segment.
     * @param segment      the segment file.
     * @param index        its index file.
     */
    public SegmentMapping(final long basePosition, final MappedFile segment, final MappedFile index)
    {
        this.basePosition = basePosition;
        this.segment = segment;
        this.channel = null;
        this.segmentPath = segment.path();
        this.index = index;
    }

    /**
     * A segment written with positional writes, and its mapped index.
     *
     * @param basePosition of the segment.
     * @param segmentPath  of the segment file.
     * @param channel      open for reading and writing on it; closed with this.
     * @param index        its index file.
     */
    public SegmentMapping(
        final long basePosition, final Path segmentPath, final FileChannel channel, final MappedFile index)
    {
        this.basePosition = basePosition;
        this.segment = null;
        this.channel = channel;
        this.segmentPath = segmentPath;
        this.index = index;
    }

    /**
     * Base position of the segment.
     *
     * @return the position of its first byte.
     */
    public long basePosition()
    {
        return basePosition;
    }

    /**
     * The segment file's read-write mapping.
     *
     * @return the mapping, or null when the segment is written with positional writes.
     */
    public MappedFile segment()
    {
        return segment;
    }

    /**
     * The segment file's channel for positional writes.
     *
     * @return the channel, or null when the segment is mapped.
     */
    public FileChannel channel()
    {
        return channel;
    }

    /**
     * Path of the segment file.
     *
     * @return the path.
     */
    public Path segmentPath()
    {
        return segmentPath;
    }

    /**
     * The index file.
     *
     * @return the mapping.
     */
    public MappedFile index()
    {
        return index;
    }

    /**
     * Force a range of the segment to storage: msync of the range when mapped, fdatasync of the file when written
     * with positional writes (a file has no ranges to force; it has no mapping whose page tables a force would
     * walk). A failure is an {@link UncheckedIOException}; callers treat it as fatal.
     *
     * @param fromOffset  first byte.
     * @param toOffset    end, exclusive.
     * @param interceptor test seam, or null.
     */
    public void force(final int fromOffset, final int toOffset, final ForceInterceptor interceptor)
    {
        if (segment != null)
        {
            segment.force(fromOffset, toOffset, interceptor);
            return;
        }
        if (toOffset <= fromOffset)
        {
            return;
        }
        // an interrupt of a thread blocked in a file channel closes the channel for the writer too: hold it back
        final boolean interrupted = Thread.interrupted();
        try
        {
            if (interceptor != null)
            {
                interceptor.beforeForce(segmentPath, fromOffset, toOffset);
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(
                "force failed: file=" + segmentPath + " from=" + fromOffset + " to=" + toOffset, ex);
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Unmap, or close the channel, and unmap the index.
     */
    public void close()
    {
        if (segment != null)
        {
            segment.close();
        }
        else
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing to release that a failed close kept
            }
        }
        index.close();
    }
}
