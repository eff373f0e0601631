package io.varve.journal;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.DurabilityListener;
import io.varve.journal.storage.ForceInterceptor;
import io.varve.journal.storage.AccessDenied;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * Settings for opening a journal, with fluent setters that return {@code this}. Defaults come from
 * {@link JournalConfiguration}. {@link #conclude()} runs once, when the journal opens: it checks every setting
 * and the rules between them, with messages that name the setting and its value.
 * <pre>{@code
 * try (Journal journal = Journal.open(new JournalContext()
 *     .directory(Path.of("/data/orders"))
 *     .segmentLength(256 * 1024 * 1024)
 *     .fsyncPolicy(FsyncPolicy.periodic(Duration.ofMillis(10)))))
 * {
 *     journal.appender().append(buffer, 0, length);
 * }
 * }</pre>
 * Threading: NOT threadsafe; configure on one thread, then hand it to {@link Journal#open(JournalContext)}.
 */
public final class JournalContext
{
    private boolean isConcluded;
    private Path directory;
    private int segmentLength;
    private boolean segmentLengthSet;
    private int maxRecordLength = JournalConfiguration.maxRecordLength();
    private boolean maxRecordLengthSet;
    private FsyncPolicy fsyncPolicy = JournalConfiguration.fsyncPolicy();
    private String filePermissions = JournalConfiguration.filePermissions();
    private RecoveryMode recoveryMode = JournalConfiguration.recoveryMode();
    private boolean fullRecoveryScan = JournalConfiguration.fullRecoveryScan();
    private int indexInterval = JournalConfiguration.indexInterval();
    private boolean frameChecksums = JournalConfiguration.frameChecksums();
    private boolean preTouch = JournalConfiguration.preTouch();
    private boolean exactTimestamps = JournalConfiguration.exactTimestamps();
    private boolean prepareAhead = JournalConfiguration.prepareAhead();
    private WriteMode writeMode = JournalConfiguration.writeMode();
    private int stagingBufferLength = JournalConfiguration.stagingBufferLength();
    private Duration maxStagingDelay = JournalConfiguration.maxStagingDelay();
    private Duration segmentMaxAge = JournalConfiguration.segmentMaxAge();
    private EpochNanoClock clock;
    private ThreadFactory threadFactory;
    private ForceInterceptor forceInterceptor;
    private DurabilityListener durabilityListener;
    private RetentionPolicy retention = JournalConfiguration.retention();
    private Set<PosixFilePermission> permissions;

    /**
     * Settings with the defaults of {@link JournalConfiguration}, which system properties may change.
     */
    public JournalContext()
    {
    }

    /**
     * Check the settings and the rules between them; create the directory if it does not exist. Called by
     * {@link Journal#open(JournalContext)}; calling it twice is an error.
     *
     * @return this.
     */
    public JournalContext conclude()
    {
        if (isConcluded)
        {
            throw new JournalConfigurationException("JournalContext already concluded; use a new one per open");
        }
        isConcluded = true;
        RuntimeRequirements.check();
        if (directory == null)
        {
            throw new JournalConfigurationException("directory must be set: directory=null");
        }
        if (segmentLengthSet)
        {
            checkSegmentLength(segmentLength);
        }
        if (maxRecordLength < 0)
        {
            throw new JournalConfigurationException("maxRecordLength must be >= 0: maxRecordLength=" + maxRecordLength);
        }
        if (stagingBufferLength < 1)
        {
            throw new JournalConfigurationException("stagingBufferLength must be positive: stagingBufferLength=" +
                stagingBufferLength);
        }
        if (maxStagingDelay == null || maxStagingDelay.isNegative())
        {
            throw new JournalConfigurationException("maxStagingDelay must be zero or positive: maxStagingDelay=" +
                maxStagingDelay);
        }
        if (segmentMaxAge != null && (segmentMaxAge.isNegative() || segmentMaxAge.isZero()))
        {
            throw new JournalConfigurationException("segmentMaxAge must be positive, or null for none: " +
                "segmentMaxAge=" + segmentMaxAge);
        }
        if (indexInterval < 1024 || Integer.bitCount(indexInterval) != 1)
        {
            throw new JournalConfigurationException(
                "indexInterval must be a power of two >= 1024: indexInterval=" + indexInterval);
        }
        try
        {
            permissions = PosixFilePermissions.fromString(filePermissions);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JournalConfigurationException(
                "filePermissions must look like rw-r-----: filePermissions=" + filePermissions, ex);
        }
        if (!permissions.contains(PosixFilePermission.OWNER_READ) ||
            !permissions.contains(PosixFilePermission.OWNER_WRITE))
        {
            throw new JournalConfigurationException(
                "filePermissions must let the owner read and write: filePermissions=" + filePermissions);
        }
        if (clock == null)
        {
            clock = new OffsetEpochNanoClock();
        }
        if (threadFactory == null)
        {
            threadFactory = (runnable) ->
            {
                final Thread thread = new Thread(runnable);
                thread.setDaemon(true);
                return thread;
            };
        }
        createDirectory();
        return this;
    }

    /**
     * Check the segment length against the journal's actual segment length, which an existing journal fixes, and
     * settle the record limit.
     *
     * @param journalSegmentLength the segment length of the journal being opened.
     */
    public void segmentLengthOfJournal(final int journalSegmentLength)
    {
        if (segmentLengthSet && segmentLength != journalSegmentLength)
        {
            throw new JournalConfigurationException("segmentLength differs from the journal's: directory=" +
                directory + " segmentLength=" + segmentLength + " journal=" + journalSegmentLength +
                "; leave it unset to use the journal's");
        }
        segmentLength = journalSegmentLength;
        final int limit = SegmentDescriptor.maxPayloadLength(journalSegmentLength);
        if (maxRecordLength > limit)
        {
            if (maxRecordLengthSet)
            {
                throw new JournalConfigurationException("maxRecordLength exceeds what a segment holds: " +
                    "maxRecordLength=" + maxRecordLength + " segmentLength=" + journalSegmentLength +
                    " limit=" + limit);
            }
            maxRecordLength = limit;
        }
    }

    private static void checkSegmentLength(final long length)
    {
        try
        {
            SegmentDescriptor.checkSegmentLength(length);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JournalConfigurationException(ex.getMessage(), ex);
        }
    }

    private void createDirectory()
    {
        if (Files.exists(directory) && !Files.isDirectory(directory))
        {
            throw new JournalConfigurationException("not a directory: directory=" + directory);
        }
        if (!Files.exists(directory))
        {
            try
            {
                Files.createDirectories(directory);
            }
            catch (final IOException ex)
            {
                if (AccessDenied.is(ex))
                {
                    throw AccessDenied.exception(directory, "create the journal directory", ex);
                }
                throw new JournalConfigurationException("cannot create journal directory: directory=" + directory +
                    " error='" + ex + "'", ex);
            }
        }
        if (!Files.isWritable(directory))
        {
            throw AccessDenied.exception(directory, "write in the journal directory", null);
        }
    }

    /**
     * Directory of the journal, created if missing.
     *
     * @param directory path.
     * @return this.
     */
    public JournalContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * Directory of the journal.
     *
     * @return path.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Bytes per segment file for a new journal: a power of two from 64 KiB to 1 GiB. An existing journal keeps its
     * own, and setting a different one is an error.
     *
     * @param segmentLength bytes.
     * @return this.
     */
    public JournalContext segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        this.segmentLengthSet = true;
        return this;
    }

    /**
     * Bytes per segment file: the one set, or after opening the journal's.
     *
     * @return bytes, or 0 when neither is known yet.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * Segment length for a new journal: the one set, or the default.
     *
     * @return bytes.
     */
    public int segmentLengthForNewJournal()
    {
        if (segmentLengthSet)
        {
            return segmentLength;
        }
        final int length = JournalConfiguration.segmentLength();
        checkSegmentLength(length);
        return length;
    }

    /**
     * Largest record payload; a longer one is refused with {@link RecordTooLargeException}.
     *
     * @param maxRecordLength bytes.
     * @return this.
     */
    public JournalContext maxRecordLength(final int maxRecordLength)
    {
        this.maxRecordLength = maxRecordLength;
        this.maxRecordLengthSet = true;
        return this;
    }

    /**
     * Largest record payload.
     *
     * @return bytes.
     */
    public int maxRecordLength()
    {
        return maxRecordLength;
    }

    /**
     * When to force writes to storage.
     *
     * @param fsyncPolicy the policy.
     * @return this.
     */
    public JournalContext fsyncPolicy(final FsyncPolicy fsyncPolicy)
    {
        this.fsyncPolicy = fsyncPolicy;
        return this;
    }

    /**
     * When to force writes to storage.
     *
     * @return the policy.
     */
    public FsyncPolicy fsyncPolicy()
    {
        return fsyncPolicy;
    }

    /**
     * POSIX permissions of created files, such as {@code rw-r-----}.
     *
     * @param filePermissions in {@code ls -l} form.
     * @return this.
     */
    public JournalContext filePermissions(final String filePermissions)
    {
        this.filePermissions = filePermissions;
        return this;
    }

    /**
     * POSIX permissions of created files, parsed by {@link #conclude()}.
     *
     * @return the permissions.
     */
    public Set<PosixFilePermission> filePermissions()
    {
        return permissions;
    }

    /**
     * What opening does with corruption below the durable position.
     *
     * @param recoveryMode the mode.
     * @return this.
     */
    public JournalContext recoveryMode(final RecoveryMode recoveryMode)
    {
        this.recoveryMode = recoveryMode;
        return this;
    }

    /**
     * What opening does with corruption below the durable position.
     *
     * @return the mode.
     */
    public RecoveryMode recoveryMode()
    {
        return recoveryMode;
    }

    /**
     * Whether opening reads and checks every frame after the durable position even when the last writer ran on
     * this boot of the host. By default it does, on every open: its cost is the unsynced tail. With {@code false},
     * it does so only after a reboot (a power loss or an OS crash, when any page that was not forced may be old or
     * garbage); on the writer's own boot the page cache survived the process, a frame's length is stored last, and
     * only the last started segment's tail can hold a partly written frame, so opening reads from that segment's
     * last index entry instead of from the durable position, forces nothing and keeps the durable position: a
     * restart after a process crash then costs the same whatever was left unsynced. What that skips is damage done
     * to the files behind the journal's back, which tailers (CRC32C per frame) and {@code varve verify} still find.
     *
     * @param fullRecoveryScan false to read only the last segment's tail on the last writer's own boot.
     * @return this.
     */
    public JournalContext fullRecoveryScan(final boolean fullRecoveryScan)
    {
        this.fullRecoveryScan = fullRecoveryScan;
        return this;
    }

    /**
     * Whether opening checks every frame after the durable position on the writer's own boot too (the default).
     *
     * @return true when it does.
     */
    public boolean fullRecoveryScan()
    {
        return fullRecoveryScan;
    }

    /**
     * Bytes of segment between sparse index entries, for new segments.
     *
     * @param indexInterval a power of two, at least 1024.
     * @return this.
     */
    public JournalContext indexInterval(final int indexInterval)
    {
        this.indexInterval = indexInterval;
        return this;
    }

    /**
     * Bytes of segment between sparse index entries.
     *
     * @return bytes.
     */
    public int indexInterval()
    {
        return indexInterval;
    }

    /**
     * Whether the writer computes a CRC32C per frame. Off saves a few nanoseconds per record and gives up the only
     * way to tell a torn frame from a good one after a power loss.
     *
     * @param frameChecksums true to compute them.
     * @return this.
     */
    public JournalContext frameChecksums(final boolean frameChecksums)
    {
        this.frameChecksums = frameChecksums;
        return this;
    }

    /**
     * Whether the writer computes a CRC32C per frame.
     *
     * @return true when on.
     */
    public boolean frameChecksums()
    {
        return frameChecksums;
    }

    /**
     * Whether the next segment's pages are touched by writing before the writer reaches them.
     *
     * @param preTouch true to pre-touch.
     * @return this.
     */
    public JournalContext preTouch(final boolean preTouch)
    {
        this.preTouch = preTouch;
        return this;
    }

    /**
     * Whether the next segment's pages are touched by writing before the writer reaches them.
     *
     * @return true when on.
     */
    public boolean preTouch()
    {
        return preTouch;
    }

    /**
     * Whether the background thread prepares the next segment (allocated with real blocks, mapped, pre-touched)
     * before the appender needs it. On, the default, a roll costs the appender a header write, and the journal holds
     * one segment more on disk than it has started: a new journal with the default 64 MiB segments takes 129 MiB.
     * Off, the journal holds only the segments it started, and each roll waits on the appender's thread while the
     * next segment is allocated and zero-filled (up to 0.29 s for 64 MiB on a 2-vCPU VM): for small or idle
     * journals, tests and tools, not for a latency-sensitive writer.
     *
     * @param prepareAhead false to prepare segments only when the appender rolls.
     * @return this.
     */
    public JournalContext prepareAhead(final boolean prepareAhead)
    {
        this.prepareAhead = prepareAhead;
        return this;
    }

    /**
     * Whether the next segment is prepared ahead of the appender.
     *
     * @return true when on.
     */
    public boolean prepareAhead()
    {
        return prepareAhead;
    }

    /**
     * How the writer puts frames into segment files; see {@link WriteMode}. A setting of the writer's session, not of
     * the journal: a journal written in one mode may be reopened in the other.
     *
     * @param writeMode the mode.
     * @return this.
     */
    public JournalContext writeMode(final WriteMode writeMode)
    {
        if (writeMode == null)
        {
            throw new JournalConfigurationException("writeMode must be MAPPED or POSITIONAL: writeMode=null");
        }
        this.writeMode = writeMode;
        return this;
    }

    /**
     * How the writer puts frames into segment files.
     *
     * @return the mode.
     */
    public WriteMode writeMode()
    {
        return writeMode;
    }

    /**
     * Bytes of the staging buffer a {@link WriteMode#POSITIONAL} writer frames records into (direct memory, one per
     * journal); a buffer smaller than the largest frame plus four bytes is grown to it. Unused in
     * {@link WriteMode#MAPPED}.
     *
     * @param stagingBufferLength bytes, 1 or more.
     * @return this.
     */
    public JournalContext stagingBufferLength(final int stagingBufferLength)
    {
        this.stagingBufferLength = stagingBufferLength;
        return this;
    }

    /**
     * Bytes of the staging buffer.
     *
     * @return bytes.
     */
    public int stagingBufferLength()
    {
        return stagingBufferLength;
    }

    /**
     * How long a {@link WriteMode#POSITIONAL} writer may keep a record appended directly (outside a ring's batch) in
     * its staging buffer, invisible to tailers and to {@code sync}'s force until written. Zero (the default) writes
     * every direct append before it returns. Above zero, an append writes the buffer out once the oldest record in
     * it is older than this (by record timestamps), or when the buffer is full; an appender that goes idle keeps its
     * staged records until the next append, {@code flush()}, {@code sync()} or close.
     *
     * @param maxStagingDelay zero or more.
     * @return this.
     */
    public JournalContext maxStagingDelay(final Duration maxStagingDelay)
    {
        this.maxStagingDelay = maxStagingDelay;
        return this;
    }

    /**
     * How long a direct append may stay staged.
     *
     * @return the delay.
     */
    public Duration maxStagingDelay()
    {
        return maxStagingDelay;
    }

    /**
     * Time bound of a segment, as Chronicle Queue's daily files and Kafka's {@code segment.ms}: a started segment
     * whose creation time is older than this when the next record is appended (by that record's timestamp) rolls
     * first, whatever its size, so the record opens a new segment. Nothing rolls while nothing is appended; an empty
     * segment never rolls. Each roll still takes a whole segment file on disk, padded to its length.
     * <p>
     * Retention deletes whole sealed segments, so this bounds how long a record outlives an age limit: with
     * {@code RetentionPolicy.maxAge(A)} a record is deleted between A and A + D after it was appended, instead of
     * whenever its segment fills up. Without it a slow journal keeps old records in its active segment until it
     * fills.
     *
     * @param segmentMaxAge the bound D, or null for rolls by size only (the default).
     * @return this.
     */
    public JournalContext segmentMaxAge(final Duration segmentMaxAge)
    {
        this.segmentMaxAge = segmentMaxAge;
        return this;
    }

    /**
     * Time bound of a segment.
     *
     * @return the bound, or null for none.
     */
    public Duration segmentMaxAge()
    {
        return segmentMaxAge;
    }

    /**
     * Whether every record reads the clock for its timestamp (about 24 ns a read here). By default a reading is
     * shared by at most 16 consecutive records and renewed at least about once a millisecond; see
     * {@link io.varve.journal.write.RecordTimestamps}.
     *
     * @param exactTimestamps true to read the clock for every record.
     * @return this.
     */
    public JournalContext exactTimestamps(final boolean exactTimestamps)
    {
        this.exactTimestamps = exactTimestamps;
        return this;
    }

    /**
     * Whether every record reads the clock for its timestamp.
     *
     * @return true when exact.
     */
    public boolean exactTimestamps()
    {
        return exactTimestamps;
    }

    /**
     * Clock for record timestamps, in epoch nanos. The default reads {@link System#nanoTime()} plus an offset.
     *
     * @param clock the clock.
     * @return this.
     */
    public JournalContext clock(final EpochNanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    /**
     * Clock for record timestamps.
     *
     * @return the clock.
     */
    public EpochNanoClock clock()
    {
        return clock;
    }

    /**
     * Factory for the journal's background thread, which allocates segments and runs periodic forces.
     *
     * @param threadFactory the factory.
     * @return this.
     */
    public JournalContext threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    /**
     * Factory for the journal's background thread.
     *
     * @return the factory.
     */
    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * A seam around every force, for tests that check ordering or inject a failing force. Production code leaves
     * it unset.
     *
     * @param forceInterceptor called before each force.
     * @return this.
     */
    public JournalContext forceInterceptor(final ForceInterceptor forceInterceptor)
    {
        this.forceInterceptor = forceInterceptor;
        return this;
    }

    /**
     * The seam around forces.
     *
     * @return the interceptor, or null.
     */
    public ForceInterceptor forceInterceptor()
    {
        return forceInterceptor;
    }

    /**
     * Told each time the durable position moves, after the force that covers it returned.
     *
     * @param durabilityListener the listener, or null.
     * @return this.
     */
    public JournalContext durabilityListener(final DurabilityListener durabilityListener)
    {
        this.durabilityListener = durabilityListener;
        return this;
    }

    /**
     * Told each time the durable position moves.
     *
     * @return the listener, or null.
     */
    public DurabilityListener durabilityListener()
    {
        return durabilityListener;
    }

    /**
     * How much of the journal to keep; the writer's background thread deletes whole sealed segments beyond it.
     *
     * @param retention the policy.
     * @return this.
     */
    public JournalContext retention(final RetentionPolicy retention)
    {
        this.retention = retention;
        return this;
    }

    /**
     * How much of the journal to keep.
     *
     * @return the policy.
     */
    public RetentionPolicy retention()
    {
        return retention;
    }

    /**
     * Largest aligned frame (header, payload, alignment) a record of {@link #maxRecordLength()} takes.
     *
     * @return bytes.
     */
    public int maxFrameLength()
    {
        return FrameDescriptor.alignedLength(FrameDescriptor.frameLength(maxRecordLength));
    }
}
