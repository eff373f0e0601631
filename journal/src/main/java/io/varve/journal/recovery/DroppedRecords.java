package io.varve.journal.recovery;

/**
 * Counts what a repair drops: the records it could read or walk past beyond the damage, the sequences it knows were
 * handed out there, and the bytes.
 * <p>
 * The count is exact when every sequence from the first dropped one to the highest known one belongs to a frame
 * recovery counted and nothing unreadable lay below the durable position; otherwise it is a lower bound ("at
 * least"). Bytes the writer never made durable and that cannot be read (a torn tail) do not make it inexact: they
 * never held an acknowledged record.
 * <p>
 * Threading: NOT threadsafe; owned by one recovery.
 */
final class DroppedRecords
{
    private long counted;
    private long firstSequence = -1;
    private long highestSequence = -1;
    private long bytes;
    private long unreadableFrom = -1;
    private long boundedBelow = -1;

    /**
     * Where the dropped range starts: the sequence the first dropped frame had or had to have.
     *
     * @param sequence the first dropped sequence.
     */
    void startAt(final long sequence)
    {
        if (firstSequence < 0 || sequence < firstSequence)
        {
            firstSequence = sequence;
        }
    }

    /**
     * A dropped frame recovery counted.
     *
     * @param sequence it carries (or had to carry, for a damaged frame walked past by its length).
     */
    void record(final long sequence)
    {
        counted++;
        startAt(sequence);
        known(sequence);
    }

    /**
     * A sequence known to have been handed out and dropped, without a frame to count (a later segment's base
     * sequence says the records before it existed).
     *
     * @param sequence handed out.
     */
    void known(final long sequence)
    {
        highestSequence = Math.max(highestSequence, sequence);
    }

    /**
     * A later segment's header says which sequence its first record had: every record before it, readable or not,
     * was handed out, so an unreadable range before that segment is counted exactly by sequence.
     *
     * @param basePosition of the segment.
     * @param baseSequence in its header.
     */
    void segmentStartsAt(final long basePosition, final long baseSequence)
    {
        known(baseSequence - 1);
        boundedBelow = Math.max(boundedBelow, basePosition);
    }

    void bytes(final long dropped)
    {
        bytes += dropped;
    }

    /**
     * Bytes below the durable position could not be read (cut off, or damaged so that their frames cannot be
     * walked): records there may be uncounted, unless a later segment's base sequence bounds them.
     *
     * @param position where the unreadable bytes start.
     */
    void unreadableBelowDurable(final long position)
    {
        unreadableFrom = Math.max(unreadableFrom, position);
    }

    long counted()
    {
        return counted;
    }

    long firstSequence()
    {
        return firstSequence;
    }

    long highestSequence()
    {
        return highestSequence;
    }

    long bytes()
    {
        return bytes;
    }

    /**
     * Records dropped: the counted ones, or the known range when it is larger.
     *
     * @return the count.
     */
    long records()
    {
        return firstSequence < 0 || highestSequence < firstSequence ?
            counted : Math.max(counted, highestSequence - firstSequence + 1);
    }

    boolean exact()
    {
        final boolean bounded = unreadableFrom < 0 || boundedBelow > unreadableFrom;
        return bounded && (records() == counted || boundedBelow >= 0);
    }
}
