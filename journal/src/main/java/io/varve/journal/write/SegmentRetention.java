package io.varve.journal.write;

import io.varve.journal.RetentionPolicy;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * Applies a {@link RetentionPolicy}: deletes whole sealed segment files and their indexes, oldest first, while a
 * limit is exceeded, then makes the deletions durable with a directory fsync and moves the first-position counters.
 * It never truncates a file (a reader in another process that has it mapped would get SIGBUS; unlinking leaves
 * its mapping valid) and never deletes the segment the appender writes.
 * <p>
 * Before deleting a segment it moves the durable position up to the next segment if it lay inside the deleted
 * range, so that recovery never finds the durable position in a segment that no longer exists.
 * <p>
 * Threading: runs on the journal's background thread.
 */
public final class SegmentRetention
{
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RetentionPolicy policy;
    private final JournalDirectory directory;
    private final int segmentLength;
    private final SegmentSyncer syncer;
    private final AtomicCounter writerPosition;
    private final MetadataFile metadata;
    private final AtomicCounter firstPosition;
    private final AtomicCounter firstSequence;
    private final AtomicCounter segments;
    private final JournalFailure failure;
    private final Lock segmentFilesLock;
    private long nextCheck;

    /**
     * Retention of one journal.
     *
     * @param policy         the limits.
     * @param directory      of the journal.
     * @param segmentLength  of the journal.
     * @param syncer         owner of the durable position.
     * @param writerPosition counter the appender publishes its position in.
     * @param metadata       of the journal: its first position and first sequence counters.
     * @param segments       counter of segments.
     * @param failure        to record errors in.
     * @param segmentFilesLock held while deleting, so compaction never swaps a segment retention deletes.
     */
    public SegmentRetention(
        final RetentionPolicy policy,
        final JournalDirectory directory,
        final int segmentLength,
        final SegmentSyncer syncer,
        final AtomicCounter writerPosition,
        final MetadataFile metadata,
        final AtomicCounter segments,
        final JournalFailure failure,
        final Lock segmentFilesLock)
    {
        this.segmentFilesLock = segmentFilesLock;
        this.policy = policy;
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.syncer = syncer;
        this.writerPosition = writerPosition;
        this.metadata = metadata;
        this.firstPosition = metadata.counter(JournalCounter.FIRST_POSITION);
        this.firstSequence = metadata.counter(JournalCounter.FIRST_SEQUENCE);
        this.segments = segments;
        this.failure = failure;
    }

    /**
     * Check the limits at most every 100 ms and delete what exceeds them.
     *
     * @param nowNanos {@link System#nanoTime()}.
     * @return segments deleted.
     */
    public int doWork(final long nowNanos)
    {
        if (!policy.isLimited() || nowNanos - nextCheck < 0 || failure.hasFailed())
        {
            return 0;
        }
        nextCheck = nowNanos + CHECK_INTERVAL_NANOS;
        try
        {
            return apply(System.currentTimeMillis() * 1_000_000L);
        }
        catch (final RuntimeException ex)
        {
            failure.record(ex);
            return 0;
        }
    }

    /**
     * Delete what exceeds the limits now.
     *
     * @param nowEpochNanos wall-clock time for the age limit.
     * @return segments deleted.
     */
    public int apply(final long nowEpochNanos)
    {
        final long[] bases = directory.listSegments();
        final long activeBase = (writerPosition.getAcquire() - 1) & -(long)segmentLength;
        int sealed = 0;
        while (sealed < bases.length && bases[sealed] < activeBase)
        {
            sealed++;
        }
        int deletable = 0;
        while (deletable < sealed && exceeds(bases, deletable, nowEpochNanos))
        {
            deletable++;
        }
        if (deletable == 0)
        {
            return 0;
        }
        final long newFirstBase = bases[deletable];
        syncer.advanceDurableTo(newFirstBase + SegmentDescriptor.HEADER_LENGTH);
        // the first position moves, on storage, before any file goes: a segment missing below it is then damage
        // (varve verify, recovery), never a retention that stopped half way
        final long newFirstSequence = SegmentHeaderReader.baseSequence(
            directory.resolve(JournalDirectoryLayout.segmentFileName(newFirstBase)));
        if (newFirstSequence >= 0)
        {
            firstSequence.setRelease(newFirstSequence);
        }
        firstPosition.setRelease(newFirstBase + SegmentDescriptor.HEADER_LENGTH);
        metadata.forceCounters();
        segmentFilesLock.lock();
        try
        {
            for (int i = 0; i < deletable; i++)
            {
                directory.delete(JournalDirectoryLayout.segmentFileName(bases[i]));
                directory.delete(JournalDirectoryLayout.indexFileName(bases[i]));
            }
            directory.fsync();
        }
        finally
        {
            segmentFilesLock.unlock();
        }
        segments.getAndAdd(-deletable);
        return deletable;
    }

    private boolean exceeds(final long[] bases, final int oldest, final long nowEpochNanos)
    {
        final int remaining = bases.length - oldest;
        if (remaining > policy.maxSegments() || (long)remaining * segmentLength > policy.maxBytes())
        {
            return true;
        }
        if (policy.maxAge() == null)
        {
            return false;
        }
        // a segment is sealed when the next one starts: its age is the next segment's creation time
        final UnsafeBuffer next = SegmentHeaderReader.read(
            directory.resolve(JournalDirectoryLayout.segmentFileName(bases[oldest + 1])));
        if (next == null || next.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0)
        {
            return false;
        }
        return nowEpochNanos - SegmentDescriptor.creationTime(next) > policy.maxAge().toNanos();
    }
}
