package io.varve.journal.write;

import io.varve.journal.JournalFailedException;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal's background agent. Its main job is to have the next segment ready before the appender needs it:
 * allocated with real blocks, mapped, its pages touched by writing, its name made durable with a directory fsync;
 * so that a roll costs the appender a header write and not a file creation. The pages are touched by
 * {@link MappedFile#preTouch()}: one {@code madvise} call where {@link io.varve.journal.storage.PageTables} is
 * native. Zeros are still written first: a segment created sparse and backed by that one call instead was measured
 * slower on ext4 (faulting in holes costs the kernel more than buffered writes of zeros) and no faster on tmpfs.
 * It also runs periodic forces and unmaps sealed segments once the syncer is done with them.
 * <p>
 * Threading: {@link #doWork()} runs on the agent's thread; {@link #take(long)} on the appender's; they meet
 * through a request id and a result slot, both volatile.
 */
public final class SegmentPreparer implements Agent
{
    private final JournalDirectory directory;
    private final int segmentLength;
    private final int indexInterval;
    private final long journalId;
    private final boolean preTouch;
    private final boolean prepareAhead;
    private final SegmentSyncer syncer;
    private final JournalFailure failure;
    private final AtomicCounter writerPosition;
    private final AtomicCounter allocationStalls;
    private final long syncIntervalNanos;
    private final RecordTimestamps timestamps;
    private final SessionCounters sessionCounters;
    private SegmentRetention retention;
    private boolean positional;
    private final String roleName;

    private volatile long requestedBase = -1;
    private volatile long requestId;
    private volatile Result result;
    private long handledId;
    private long nextSyncDeadline;
    private long pendingId = -1;
    private long pendingBase = -1;
    private long adoptableBase = -1;

    /**
     * The agent of one journal.
     *
     * @param directory         of the journal.
     * @param segmentLength     of the journal.
     * @param indexInterval     bytes between index entries.
     * @param journalId         of the journal.
     * @param preTouch          whether to touch the pages of new segments.
     * @param syncer            for periodic forces and unmapping.
     * @param failure           the journal's failed state.
     * @param writerPosition    counter the appender publishes its position in.
     * @param allocationStalls  counter of rolls that waited.
     * @param syncIntervalNanos period of forces, or 0 for none.
     * @param timestamps        ticked on every turn so record timestamps move on.
     * @param sessionCounters   refreshed on every turn.
     * @param prepareAhead      whether {@link #requestAhead(long)} prepares the next segment before the appender
     *                          needs it (one more segment on disk) or leaves it to the roll (which then waits for it).
     */
    public SegmentPreparer(
        final JournalDirectory directory,
        final int segmentLength,
        final int indexInterval,
        final long journalId,
        final boolean preTouch,
        final SegmentSyncer syncer,
        final JournalFailure failure,
        final AtomicCounter writerPosition,
        final AtomicCounter allocationStalls,
        final long syncIntervalNanos,
        final RecordTimestamps timestamps,
        final SessionCounters sessionCounters,
        final boolean prepareAhead)
    {
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.indexInterval = indexInterval;
        this.journalId = journalId;
        this.preTouch = preTouch;
        this.prepareAhead = prepareAhead;
        this.syncer = syncer;
        this.failure = failure;
        this.writerPosition = writerPosition;
        this.allocationStalls = allocationStalls;
        this.syncIntervalNanos = syncIntervalNanos;
        this.timestamps = timestamps;
        this.sessionCounters = sessionCounters;
        this.roleName = "varve-journal-" + directory.path().getFileName();
        nextSyncDeadline = System.nanoTime() + syncIntervalNanos;
    }

    /**
     * Create, map and touch a segment and its index; make their names durable. For {@code WriteMode.POSITIONAL} the
     * segment file is created sparse at full length and opened for positional writes, never mapped.
     *
     * @param basePosition of the new segment.
     * @return the mapped pair.
     * @throws io.varve.journal.StorageSpaceException when the disk refuses the space; nothing is left behind.
     */
    public SegmentMapping prepare(final long basePosition)
    {
        final String segmentName = JournalDirectoryLayout.segmentFileName(basePosition);
        final String indexName = JournalDirectoryLayout.indexFileName(basePosition);
        directory.delete(indexName);
        final boolean adopt = basePosition == adoptableBase && hasFullLength(segmentName);
        adoptableBase = -1;
        if (!adopt)
        {
            if (positional)
            {
                directory.allocateSparse(segmentName, segmentLength);
            }
            else
            {
                directory.allocate(segmentName, segmentLength);
            }
        }
        MappedFile segment = null;
        FileChannel channel = null;
        MappedFile index = null;
        try
        {
            final int indexLength = IndexDescriptor.fileLength(segmentLength, indexInterval);
            directory.allocate(indexName, indexLength);
            if (positional)
            {
                channel = FileChannel.open(
                    directory.resolve(segmentName), StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            else
            {
                segment = MappedFile.map(directory.resolve(segmentName), segmentLength, false);
            }
            index = MappedFile.map(directory.resolve(indexName), indexLength, false);
            IndexDescriptor.writeHeader(index.buffer(), basePosition, journalId, indexInterval);
            if (preTouch && segment != null)
            {
                segment.preTouch();
            }
            directory.fsync();
            return positional ?
                new SegmentMapping(basePosition, directory.resolve(segmentName), channel, index) :
                new SegmentMapping(basePosition, segment, index);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(segment, channel, index);
            directory.delete(indexName);
            directory.delete(segmentName);
            if (ex instanceof IOException)
            {
                throw new UncheckedIOException("cannot prepare new segment: file=" + segmentName, (IOException)ex);
            }
            throw (RuntimeException)ex;
        }
    }

    /**
     * Prepare segments for a writer that never maps them writable ({@code WriteMode.POSITIONAL}): sparse files opened
     * for positional writes. Called once, before the agent starts.
     *
     * @param positional true for positional writes.
     */
    public void positional(final boolean positional)
    {
        this.positional = positional;
    }

    /**
     * Take over a segment the last writer allocated and zeroed ahead of need, found by recovery, instead of
     * allocating it again. Called once, before the agent starts.
     *
     * @param basePosition of that segment, or -1 for none.
     */
    public void adopt(final long basePosition)
    {
        adoptableBase = basePosition;
    }

    private boolean hasFullLength(final String segmentName)
    {
        try
        {
            return Files.size(directory.resolve(segmentName)) == segmentLength;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Apply a retention policy on every turn of this agent. Called once, before the agent starts.
     *
     * @param retention the retention to run.
     */
    public void retention(final SegmentRetention retention)
    {
        this.retention = retention;
    }

    /**
     * Ask for the segment at a base position to be prepared. Called by the appender.
     *
     * @param basePosition of the segment it will need next.
     */
    public void request(final long basePosition)
    {
        pendingBase = basePosition;
        pendingId = requestId + 1;
        requestedBase = basePosition;
        requestId = pendingId;
    }

    /**
     * Ask for the next segment to be prepared ahead of need, if this journal prepares ahead; otherwise
     * {@link #take(long)} asks for it when the appender rolls.
     *
     * @param basePosition of the segment the appender will need next.
     */
    public void requestAhead(final long basePosition)
    {
        if (prepareAhead)
        {
            request(basePosition);
        }
    }

    /**
     * The prepared segment at a base position, waiting for it if it is not ready. Called by the appender.
     *
     * @param basePosition of the segment.
     * @return the mapped pair, owned by the caller.
     * @throws io.varve.journal.StorageSpaceException when it could not be allocated; a later call tries again.
     */
    public SegmentMapping take(final long basePosition)
    {
        if (pendingBase != basePosition)
        {
            request(basePosition);
        }
        boolean stalled = false;
        int idle = 0;
        while (true)
        {
            final Result current = result;
            if (current != null && current.id == pendingId)
            {
                result = null;
                pendingBase = -1;
                if (current.error != null)
                {
                    throw current.error;
                }
                return current.mapping;
            }
            failure.check();
            if (!stalled)
            {
                stalled = true;
                allocationStalls.increment();
            }
            if (++idle < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
    }

    /**
     * One duty cycle of the background thread: timestamps, counters, segments prepared ahead, periodic force,
     * unmapping and retention.
     *
     * @return the amount of work done, 0 when idle.
     */
    public int doWork()
    {
        timestamps.tick();
        int work = sessionCounters.update();
        final long id = requestId;
        if (id != handledId)
        {
            handledId = id;
            final long base = requestedBase;
            Result outcome;
            try
            {
                outcome = new Result(id, prepare(base), null);
            }
            catch (final RuntimeException ex)
            {
                failure.record(ex);
                outcome = new Result(id, null, ex);
            }
            result = outcome;
            work++;
        }
        work += syncPeriodically();
        work += syncer.retireSealed();
        if (retention != null)
        {
            work += retention.doWork(System.nanoTime());
        }
        return work;
    }

    private int syncPeriodically()
    {
        if (syncIntervalNanos == 0)
        {
            return 0;
        }
        final long now = System.nanoTime();
        if (now - nextSyncDeadline < 0)
        {
            return 0;
        }
        nextSyncDeadline = now + syncIntervalNanos;
        final long target = writerPosition.getAcquire();
        if (target <= syncer.durablePosition() || failure.hasFailed())
        {
            return 0;
        }
        try
        {
            syncer.sync(target);
        }
        catch (final JournalFailedException ignore)
        {
            // the syncer put the journal into its failed state; the appender reports it on its next call
        }
        return 1;
    }

    /**
     * Unmap a prepared segment nobody took. Called once the agent has stopped.
     */
    public void onClose()
    {
        final Result leftover = result;
        result = null;
        if (leftover != null && leftover.mapping != null)
        {
            leftover.mapping.close();
        }
    }

    /**
     * Name of the agent, for its thread and its errors.
     *
     * @return the role name.
     */
    public String roleName()
    {
        return roleName;
    }

    private static final class Result
    {
        private final long id;
        private final SegmentMapping mapping;
        private final RuntimeException error;

        private Result(final long id, final SegmentMapping mapping, final RuntimeException error)
        {
            this.id = id;
            this.mapping = mapping;
            this.error = error;
        }
    }
}
