package io.varve.journal.write;

import io.varve.journal.storage.MappedFile;

/**
 * A segment and its sparse index, both mapped read-write, as the writer uses them.
 * <p>
 * Threading: handed from the preparer to the appender to the syncer; one owner at a time.
 */
public final class SegmentMapping implements AutoCloseable
{
    private final long basePosition;
    private final MappedFile segment;
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
     * The segment file.
     *
     * @return the mapping.
     */
    public MappedFile segment()
    {
        return segment;
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
     * Unmap both.
     */
    public void close()
    {
        segment.close();
        index.close();
    }
}
