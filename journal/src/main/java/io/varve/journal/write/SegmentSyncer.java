package io.varve.journal.write;

import io.varve.journal.JournalFailedException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.DurabilityListener;
import io.varve.journal.storage.ForceInterceptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forces written ranges to storage and moves the durable position, which it records in the metadata file only
 * after every frame below it has been forced.
 * <p>
 * It owns sealed segments: the appender hands each one over when it rolls, through a queue so a roll never waits
 * for a force in progress. A sealed segment stays mapped until a sync has forced it, so the durable position
 * never passes a segment whose roll was not forced; then the background thread unmaps it. Under
 * {@code FsyncPolicy.NONE} sealed segments are unmapped at once and a later {@link #sync(long)} forces them through
 * a file channel.
 * <p>
 * A segment written with positional writes ({@code WriteMode.POSITIONAL}) is forced with {@code fdatasync} of its
 * file instead of {@code msync} of a range; the appender writes its staged frames out before it asks for a sync, so a
 * sync target never passes what was written.
 * <p>
 * A failed force is fatal: the journal enters its failed state and this never forces again, because after a
 * failed fsync the kernel may have dropped the dirty pages, and a retry could succeed with the data gone.
 * <p>
 * Threading: {@link #sync(long)} and {@link #retireSealed()} are threadsafe; {@link #activate(SegmentMapping)}
 * and {@link #seal(SegmentMapping)} are called by the appender's thread only.
 */
public final class SegmentSyncer implements AutoCloseable
{
    private static final int HAND_OFF_CAPACITY = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final OneToOneConcurrentArrayQueue<SegmentMapping> handOff =
        new OneToOneConcurrentArrayQueue<>(HAND_OFF_CAPACITY);
    private final ArrayDeque<SegmentMapping> sealed = new ArrayDeque<>();
    private final ArrayDeque<SegmentMapping> forced = new ArrayDeque<>();
    private final JournalDirectory directory;
    private final MetadataFile metadata;
    private final int segmentLength;
    private final boolean keepSealedUntilForced;
    private final ForceInterceptor interceptor;
    private final DurabilityListener listener;
    private final JournalFailure failure;
    private final AtomicCounter fsyncs;
    private final AtomicCounter lastFsyncNanos;
    private final AtomicCounter maxFsyncNanos;
    private volatile SegmentMapping active;
    private volatile long durablePosition;

    /**
     * A syncer starting from a durable position.
     *
     * @param directory             of the journal.
     * @param metadata              where the durable position is recorded.
     * @param segmentLength         of the journal.
     * @param keepSealedUntilForced false under {@code FsyncPolicy.NONE}.
     * @param interceptor           test seam, or null.
     * @param listener              told when the durable position moves, or null.
     * @param failure               the journal's failed state.
     * @param durablePosition       already durable.
     */
    public SegmentSyncer(
        final JournalDirectory directory,
        final MetadataFile metadata,
        final int segmentLength,
        final boolean keepSealedUntilForced,
        final ForceInterceptor interceptor,
        final DurabilityListener listener,
        final JournalFailure failure,
        final long durablePosition)
    {
        this.directory = directory;
        this.metadata = metadata;
        this.segmentLength = segmentLength;
        this.keepSealedUntilForced = keepSealedUntilForced;
        this.interceptor = interceptor;
        this.listener = listener;
        this.failure = failure;
        this.durablePosition = durablePosition;
        fsyncs = metadata.counter(JournalCounter.FSYNCS);
        lastFsyncNanos = metadata.counter(JournalCounter.LAST_FSYNC_NANOS);
        maxFsyncNanos = metadata.counter(JournalCounter.MAX_FSYNC_NANOS);
    }

    /**
     * The segment the appender writes into now.
     *
     * @param mapping the active segment.
     */
    public void activate(final SegmentMapping mapping)
    {
        active = mapping;
    }

    /**
     * Take over a segment the appender has finished, before it activates the next.
     *
     * @param mapping the sealed segment.
     */
    public void seal(final SegmentMapping mapping)
    {
        if (!handOff.offer(mapping))
        {
            lock.lock();
            try
            {
                drainHandOff();
                sealed.addLast(mapping);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /**
     * Position below which every frame is on storage.
     *
     * @return the durable position.
     */
    public long durablePosition()
    {
        return durablePosition;
    }

    /**
     * Force everything below a position and record it as durable.
     *
     * @param target end of the last frame to make durable.
     * @return the durable position, at least {@code target}.
     * @throws JournalFailedException when a force fails, now or earlier.
     */
    public long sync(final long target)
    {
        lock.lock();
        try
        {
            failure.check();
            final long from = durablePosition;
            if (target <= from)
            {
                return from;
            }
            // Read the active segment before draining: a roll queues the sealed segment before it activates
            // the next, so whatever segment the target lies in is either active or in the queue.
            final SegmentMapping current = active;
            drainHandOff();
            final long start = System.nanoTime();
            try
            {
                forceRange(from, target, current);
                metadata.storeDurablePosition(target, interceptor);
            }
            catch (final RuntimeException ex)
            {
                throw failure.fail(ex);
            }
            final long elapsed = System.nanoTime() - start;
            fsyncs.increment();
            lastFsyncNanos.setRelease(elapsed);
            if (elapsed > maxFsyncNanos.get())
            {
                maxFsyncNanos.setRelease(elapsed);
            }
            durablePosition = target;
            if (listener != null)
            {
                listener.onDurable(target);
            }
            return target;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void forceRange(final long from, final long target, final SegmentMapping current)
    {
        long base = from & -(long)segmentLength;
        while (base < target)
        {
            final int fromOffset = (int)Math.max(from - base, 0);
            final int toOffset = (int)Math.min(target - base, segmentLength);
            if (current != null && current.basePosition() == base)
            {
                current.force(fromOffset, toOffset, interceptor);
            }
            else
            {
                final SegmentMapping mapping = removeSealed(base);
                if (mapping != null)
                {
                    mapping.force(fromOffset, toOffset, interceptor);
                    mapping.index().force(0, mapping.index().length(), interceptor);
                    forced.addLast(mapping);
                }
                else
                {
                    forceUnmapped(base, fromOffset, toOffset);
                }
            }
            base += segmentLength;
        }
    }

    private SegmentMapping removeSealed(final long base)
    {
        final Iterator<SegmentMapping> iterator = sealed.iterator();
        while (iterator.hasNext())
        {
            final SegmentMapping mapping = iterator.next();
            if (mapping.basePosition() == base)
            {
                iterator.remove();
                return mapping;
            }
        }
        return null;
    }

    private void forceUnmapped(final long base, final int fromOffset, final int toOffset)
    {
        final Path segment = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
        final Path index = directory.resolve(JournalDirectoryLayout.indexFileName(base));
        try
        {
            if (interceptor != null)
            {
                interceptor.beforeForce(segment, fromOffset, toOffset);
            }
            forceFile(segment);
            forceFile(index);
        }
        catch (final NoSuchFileException ex)
        {
            // removed by retention before it was forced: nothing left to make durable
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("force failed: file=" + segment, ex);
        }
    }

    private static void forceFile(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.force(false);
        }
    }

    /**
     * Move the durable position up to a position without forcing, because everything below it is being deleted by
     * retention: the frames there no longer exist, so none can be lost. Sealed segments below it stop waiting to be
     * forced.
     *
     * @param position the first position retention keeps.
     */
    public void advanceDurableTo(final long position)
    {
        lock.lock();
        try
        {
            failure.check();
            if (position <= durablePosition)
            {
                return;
            }
            drainHandOff();
            final Iterator<SegmentMapping> iterator = sealed.iterator();
            while (iterator.hasNext())
            {
                final SegmentMapping mapping = iterator.next();
                if (mapping.basePosition() + segmentLength <= position)
                {
                    iterator.remove();
                    forced.addLast(mapping);
                }
            }
            try
            {
                metadata.storeDurablePosition(position, interceptor);
            }
            catch (final RuntimeException ex)
            {
                throw failure.fail(ex);
            }
            durablePosition = position;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Unmap sealed segments that no longer need their mapping: those already forced, and under
     * {@code FsyncPolicy.NONE} all of them. Called by the background thread; skips a turn while a sync runs.
     *
     * @return how many were unmapped.
     */
    public int retireSealed()
    {
        if (!lock.tryLock())
        {
            return 0;
        }
        try
        {
            drainHandOff();
            int retired = 0;
            while (!forced.isEmpty())
            {
                forced.pollFirst().close();
                retired++;
            }
            while (!keepSealedUntilForced && !sealed.isEmpty())
            {
                sealed.pollFirst().close();
                retired++;
            }
            return retired;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void drainHandOff()
    {
        SegmentMapping mapping;
        while ((mapping = handOff.poll()) != null)
        {
            sealed.addLast(mapping);
        }
    }

    /**
     * Unmap every segment this holds, the active one included. Called once the appender and background thread
     * have stopped.
     */
    public void close()
    {
        lock.lock();
        try
        {
            drainHandOff();
            for (final SegmentMapping mapping : sealed)
            {
                mapping.close();
            }
            for (final SegmentMapping mapping : forced)
            {
                mapping.close();
            }
            sealed.clear();
            forced.clear();
            final SegmentMapping current = active;
            active = null;
            if (current != null)
            {
                current.close();
            }
        }
        finally
        {
            lock.unlock();
        }
    }
}
