package io.varve.journal.read;

import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RuntimeRequirements;
import io.varve.journal.VarveException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.format.TailerTableDescriptor;
import io.varve.journal.storage.AccessDenied;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A journal opened for reading, in the writer's process or any other on the host. It maps the metadata file to
 * read the journal's identity and live counters and to keep named tailers' positions, and hands out
 * {@link Tailer}s, which read segments through read-only mappings and never write into them.
 * <p>
 * The reader maps each segment once for all its tailers: a second tailer, a tailer that laps, or a seek into a
 * segment another tailer reads uses the same mapping and takes no page fault the first one took. A segment stays
 * mapped while a tailer reads it, and the last few segments no tailer reads stay mapped for the next one; a live
 * tailer maps the segment the writer has prepared ahead, and has its first pages populated, before the writer
 * rolls into it. A segment file deleted or replaced on disk is never served from those mappings. For tailers that
 * share no mapping (say, to measure a first reader), open another reader.
 * <pre>{@code
 * try (JournalReader reader = JournalReader.open(Path.of("/data/orders"));
 *     Tailer tailer = reader.tailer("risk-engine"))
 * {
 *     while (running)
 *     {
 *         if (tailer.poll(handler, 100) == 0)
 *         {
 *             idleStrategy.idle();
 *         }
 *     }
 * }
 * }</pre>
 * Threading: threadsafe for opening tailers; each tailer is used by one thread, and the tailers of one reader may
 * run on different threads. They share the reader's mappings through a lock taken only when a tailer rolls to
 * another segment, seeks or waits for the next segment, never while it polls records; a mapping is unmapped only
 * when no tailer holds it. {@link #close()} after the tailers: a tailer still open then reads on in the segment it
 * holds and fails with a {@link io.varve.journal.JournalClosedException} when it would move to another, and the
 * metadata file (the counters and named positions its tailers use) stays mapped until the last tailer is closed.
 */
public final class JournalReader implements AutoCloseable
{
    private final Path directory;
    private final MetadataFile metadata;
    private final boolean ownsMetadata;
    private final int segmentLength;
    private final long journalId;
    private final String journalKey;
    private final SegmentCache segments;
    /**
     * Users of the metadata mapping besides the reader itself: open tailers (their counters and tailer table slot
     * point into it) and calls opening one. Guarded by this object's lock.
     */
    private int metadataUsers;
    /** The metadata file is to be unmapped when its last user lets go. Guarded by this object's lock. */
    private boolean unmapMetadataWhenUnused;
    private boolean closed;

    private JournalReader(final Path directory, final MetadataFile metadata, final boolean ownsMetadata)
    {
        this.directory = directory;
        this.metadata = metadata;
        this.ownsMetadata = ownsMetadata;
        this.segmentLength = metadata.segmentLength();
        this.journalId = metadata.journalId();
        this.journalKey = directory.toAbsolutePath().normalize().toString();
        this.segments = new SegmentCache(directory, segmentLength, journalId, SegmentCache.KEPT_IDLE,
            metadata.counter(JournalCounter.FIRST_POSITION));
    }

    /**
     * Open a journal for reading.
     *
     * @param directory of the journal.
     * @return the reader.
     * @throws JournalConfigurationException when the directory is not a journal.
     * @throws JournalCorruptionException    when its metadata file is damaged or of an unknown format version.
     */
    public static JournalReader open(final Path directory)
    {
        RuntimeRequirements.check();
        if (!Files.isDirectory(directory))
        {
            throw new JournalConfigurationException("not a journal: no such directory: directory=" + directory);
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory))
        {
            throw AccessDenied.exception(directory, "list or enter the journal directory", null);
        }
        if (!MetadataFile.exists(directory))
        {
            throw new JournalConfigurationException("not a journal: no " + JournalDirectoryLayout.METADATA_FILE +
                " in directory=" + directory);
        }
        final boolean writable = Files.isWritable(directory.resolve(JournalDirectoryLayout.METADATA_FILE));
        return new JournalReader(directory, MetadataFile.open(directory, !writable), true);
    }

    /**
     * Open a journal for reading, waiting for it to appear: a reader may start before its writer, which creates the
     * directory and the metadata file (atomically, by a rename) when it first opens the journal. Until then this
     * retries, idling between attempts; a directory that exists and holds no journal yet counts as not there yet.
     * A tailer of the journal may find no record at first: it polls 0 until the writer appends.
     * <pre>{@code
     * final JournalReader reader = JournalReader.awaitOpen(
     *     dir, Duration.ofMinutes(1), new SleepingMillisIdleStrategy(10));
     * }</pre>
     *
     * @param directory of the journal.
     * @param timeout   how long to wait for it; a reader that waits for ever passes
     *                  {@code Duration.ofNanos(Long.MAX_VALUE)}.
     * @param idle      how to wait between attempts.
     * @return the reader.
     * @throws JournalConfigurationException when no journal appeared within the timeout (naming the directory and
     *                                       the wait), the path is a regular file, or the JVM lacks the flag Varve
     *                                       needs.
     * @throws JournalCorruptionException    when its metadata file is damaged or of an unknown format version.
     * @throws io.varve.journal.JournalClosedException when the thread is interrupted while waiting.
     */
    public static JournalReader awaitOpen(final Path directory, final Duration timeout, final IdleStrategy idle)
    {
        RuntimeRequirements.check();
        final long start = System.nanoTime();
        long timeoutNanos;
        try
        {
            timeoutNanos = Math.max(0, timeout.toNanos());
        }
        catch (final ArithmeticException ex)
        {
            timeoutNanos = Long.MAX_VALUE;
        }
        idle.reset();
        while (!MetadataFile.exists(directory))
        {
            if (Files.exists(directory) && !Files.isDirectory(directory))
            {
                throw new JournalConfigurationException("not a journal: a file, not a directory: directory=" +
                    directory);
            }
            if (System.nanoTime() - start >= timeoutNanos)
            {
                throw new JournalConfigurationException("not a journal after waiting " + timeout + ": no " +
                    JournalDirectoryLayout.METADATA_FILE + " in directory=" + directory +
                    "; is the writer running, and on this directory?");
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new io.varve.journal.JournalClosedException(
                    "reader of journal " + directory + " (interrupted while waiting for it to appear)");
            }
            idle.idle(0);
        }
        return open(directory);
    }

    /**
     * A reader sharing the writer's mapping of the metadata file, for tailers in the writer's process.
     *
     * @param directory of the journal.
     * @param metadata  the writer's metadata file, which the reader does not close.
     * @return the reader.
     */
    public static JournalReader ofWriter(final Path directory, final MetadataFile metadata)
    {
        return new JournalReader(directory, metadata, false);
    }

    /**
     * An unnamed tailer at the journal's first record, checking checksums.
     *
     * @return the tailer.
     */
    public Tailer tailer()
    {
        return tailer(null, true);
    }

    /**
     * A named tailer that resumes where the last tailer of that name stopped, or starts at the first record.
     *
     * @param name up to 56 bytes of UTF-8.
     * @return the tailer.
     */
    public Tailer tailer(final String name)
    {
        return tailer(name, true);
    }

    /**
     * A tailer.
     *
     * @param name            null for an unnamed tailer at the first record, else the name to resume.
     * @param verifyChecksums false to skip the CRC32C of each frame (structure is still checked).
     * @return the tailer.
     */
    public Tailer tailer(final String name, final boolean verifyChecksums)
    {
        return tailer(name, verifyChecksums, false);
    }

    /**
     * A tailer that, when retention deletes records it has not read yet, either fails with
     * {@link TailerBehindRetentionException} or skips ahead to the first record still there.
     *
     * @param name                null for an unnamed tailer at the first record, else the name to resume.
     * @param verifyChecksums     false to skip the CRC32C of each frame.
     * @param skipAheadWhenBehind true to skip ahead instead of failing.
     * @return the tailer.
     */
    public Tailer tailer(final String name, final boolean verifyChecksums, final boolean skipAheadWhenBehind)
    {
        // the metadata stays mapped while the tailer is opened, even when another thread closes the reader meanwhile
        acquireMetadata();
        try
        {
            return openTailer(name, verifyChecksums, skipAheadWhenBehind);
        }
        finally
        {
            releaseMetadata();
        }
    }

    private Tailer openTailer(final String name, final boolean verifyChecksums, final boolean skipAheadWhenBehind)
    {
        if (name == null)
        {
            return new Tailer(this, verifyChecksums, null, skipAheadWhenBehind).seekToStart();
        }
        if (metadata.isReadOnly())
        {
            throw new VarveException("named tailers need write access to " + metadata.path() +
                " to keep their position; use an unnamed tailer or grant write access");
        }
        final Tailer probe = new Tailer(this, true, null, false).seekToStart();
        final long startPosition = probe.position();
        final long startSequence = probe.nextSequence();
        probe.close();
        final TailerPosition persisted = TailerPosition.claim(
            metadata.tailerTable(), name, journalKey, startPosition, startSequence);
        final Tailer tailer = new Tailer(this, verifyChecksums, persisted, skipAheadWhenBehind);
        try
        {
            if (persisted.sequence() < startSequence)
            {
                if (!skipAheadWhenBehind)
                {
                    throw new TailerBehindRetentionException(name, persisted.sequence(), startSequence, startPosition);
                }
                tailer.seekToStart();
                return tailer;
            }
            resume(tailer, persisted.position(), persisted.sequence());
            return tailer;
        }
        catch (final RuntimeException ex)
        {
            tailer.close();
            throw ex;
        }
    }

    private static void resume(final Tailer tailer, final long position, final long sequence)
    {
        try
        {
            tailer.seekToPosition(position);
            if (tailer.nextSequence() != sequence)
            {
                tailer.seekToSequence(sequence);
            }
        }
        catch (final TailerSeekException ex)
        {
            tailer.seekToSequence(sequence);
        }
    }

    /**
     * Free a named tailer's slot so its name starts over; refused while a live process uses it.
     *
     * @param name of the tailer.
     * @return true when a slot was freed.
     */
    public boolean deleteTailerName(final String name)
    {
        acquireMetadata();
        try
        {
            return TailerPosition.delete(metadata.tailerTable(), name);
        }
        finally
        {
            releaseMetadata();
        }
    }

    /**
     * The named tailers recorded in the metadata file, read without locks.
     *
     * @return one entry per named tailer.
     * @throws io.varve.journal.JournalClosedException when the reader is closed.
     */
    public List<NamedTailerInfo> namedTailers()
    {
        acquireMetadata();
        try
        {
            return readNamedTailers();
        }
        finally
        {
            releaseMetadata();
        }
    }

    private List<NamedTailerInfo> readNamedTailers()
    {
        final UnsafeBuffer table = metadata.tailerTable();
        final List<NamedTailerInfo> tailers = new ArrayList<>();
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = TailerTableDescriptor.slotOffset(slot);
            if (TailerTableDescriptor.stateVolatile(table, offset) == TailerTableDescriptor.STATE_ACTIVE)
            {
                final long position = table.getLongVolatile(offset + TailerTableDescriptor.POSITION_OFFSET);
                tailers.add(new NamedTailerInfo(TailerTableDescriptor.name(table, offset), position,
                    table.getLong(offset + TailerTableDescriptor.SEQUENCE_OFFSET, LITTLE_ENDIAN),
                    table.getLong(offset + TailerTableDescriptor.OWNER_PID_OFFSET, LITTLE_ENDIAN),
                    table.getLong(offset + TailerTableDescriptor.UPDATE_TIME_OFFSET, LITTLE_ENDIAN)));
            }
        }
        return tailers;
    }

    /**
     * The journal's live counters, read without locks: a view of the metadata mapping, not to be read after the
     * reader (and every tailer of it) is closed, when the mapping is gone.
     *
     * @return a reader over the counters.
     */
    public CountersReader counters()
    {
        return metadata.countersReader();
    }

    /**
     * The metadata file, for tools.
     *
     * @return the mapped file.
     */
    public MetadataFile metadata()
    {
        return metadata;
    }

    /**
     * Directory of the journal.
     *
     * @return the path.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * The segment mappings shared by this reader's tailers.
     *
     * @return the cache.
     */
    SegmentCache segments()
    {
        return segments;
    }

    int segmentLength()
    {
        return segmentLength;
    }

    /**
     * The journal's id: a random number fixed when the journal was created, stored in its metadata file and in every
     * segment header, so that files of different journals are never mixed. {@code SnapshotStore} takes it.
     *
     * @return the id, never 0.
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * Base positions of the segments the writer has started, ascending: segments allocated ahead of it and not yet
     * started are left out.
     *
     * @return the base positions.
     */
    public long[] startedSegmentBases()
    {
        final long[] bases = new JournalDirectory(directory, Set.of()).listSegments();
        int count = bases.length;
        while (count > 0 && !isStarted(bases[count - 1]))
        {
            count--;
        }
        return count == bases.length ? bases : Arrays.copyOf(bases, count);
    }

    long firstSegmentBaseOrZero()
    {
        final long[] bases = new JournalDirectory(directory, Set.of()).listSegments();
        return bases.length == 0 ? 0 : bases[0];
    }

    private boolean isStarted(final long base)
    {
        final UnsafeBuffer header = SegmentHeaderReader.read(
            directory.resolve(JournalDirectoryLayout.segmentFileName(base)));
        return header != null && header.getLong(SegmentDescriptor.MAGIC_OFFSET) != 0;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new io.varve.journal.JournalClosedException("reader of journal " + directory);
        }
    }

    /**
     * Keep the metadata file mapped for a tailer, or while one is opened; every call is matched by
     * {@link #releaseMetadata()}.
     *
     * @throws io.varve.journal.JournalClosedException when the reader is closed.
     */
    synchronized void acquireMetadata()
    {
        checkOpen();
        metadataUsers++;
    }

    /**
     * A tailer has let go of the metadata file (its position slot is released): the last one unmaps it when the
     * reader was closed meanwhile.
     */
    void releaseMetadata()
    {
        final boolean unmap;
        synchronized (this)
        {
            if (metadataUsers <= 0)
            {
                throw new IllegalStateException("metadata released more often than acquired: " + directory);
            }
            unmap = --metadataUsers == 0 && unmapMetadataWhenUnused;
            if (unmap)
            {
                unmapMetadataWhenUnused = false;
            }
        }
        if (unmap)
        {
            metadata.close();
        }
    }

    /**
     * Unmap the segments no tailer holds, and the metadata file unless it is the writer's. Tailers should be closed
     * first; a segment a tailer still holds is unmapped when that tailer closes, and so is the metadata file, whose
     * counters and named positions the tailers use.
     */
    public void close()
    {
        close(ownsMetadata);
    }

    /**
     * Close the reader of a journal and unmap the writer's metadata file it was given, at once or, when tailers are
     * still open, when the last of them is closed: for the writer's {@code close()}, so that a tailer a thread still
     * polls never reads an unmapped counter.
     */
    public void closeWithMetadata()
    {
        close(true);
    }

    private void close(final boolean unmapMetadata)
    {
        final boolean unmapNow;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            unmapNow = unmapMetadata && metadataUsers == 0;
            unmapMetadataWhenUnused = unmapMetadata && !unmapNow;
        }
        segments.close();
        if (unmapNow)
        {
            metadata.close();
        }
    }
}
