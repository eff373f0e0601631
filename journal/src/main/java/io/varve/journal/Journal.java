package io.varve.journal;

import io.varve.journal.compaction.CompactionReport;
import io.varve.journal.compaction.JournalCompactor;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalRecovery;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.storage.HostBoot;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.SegmentHeaderReader;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.WriterLock;
import io.varve.journal.write.Appender;
import io.varve.journal.write.JournalFailure;
import io.varve.journal.write.RecordTimestamps;
import io.varve.journal.write.SegmentMapping;
import io.varve.journal.write.SegmentPreparer;
import io.varve.journal.write.SegmentRetention;
import io.varve.journal.write.SegmentSyncer;
import io.varve.journal.write.SessionCounters;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A journal open for writing: a directory of pre-allocated, memory-mapped segment files with one
 * {@link Appender}, a background thread that prepares the next segment and runs periodic forces, and the writer
 * lock that keeps every other writer out, in this process and in others.
 * <p>
 * Opening recovers the journal: it finds the end of the log from the durable position, truncates a torn tail,
 * refuses corruption below the durable position (see {@link RecoveryMode}), and reports what it did through
 * {@link #recoveryReport()} and the log. Closing forces everything, so a cleanly closed journal has no unsynced
 * tail.
 * <pre>{@code
 * try (Journal journal = Journal.open(new JournalContext().directory(Path.of("/data/orders"))))
 * {
 *     final Appender appender = journal.appender();
 *     appender.append(buffer, 0, length, ORDER_TYPE);
 *     appender.sync();
 * }
 * }</pre>
 * Threading: {@link #open(JournalContext)} and {@link #close()} from one thread; the appender's threading is its own.
 */
public final class Journal implements AutoCloseable
{
    /** Names in a journal directory that recovery leaves alone besides segments, indexes, metadata and lock. */
    private static final Set<String> ALLOWED_NAMES = Set.of();

    private final JournalContext context;
    private final WriterLock lock;
    private final MetadataFile metadata;
    private final SegmentSyncer syncer;
    private final Appender appender;
    private final AgentRunner agentRunner;
    private final JournalFailure failure;
    private final RecoveryReport recoveryReport;
    private final JournalReader reader;
    private final JournalDirectory directory;
    private final ReentrantLock segmentFilesLock;
    private boolean closed;

    private Journal(
        final JournalContext context,
        final WriterLock lock,
        final MetadataFile metadata,
        final SegmentSyncer syncer,
        final Appender appender,
        final AgentRunner agentRunner,
        final JournalFailure failure,
        final RecoveryReport recoveryReport,
        final JournalDirectory directory,
        final ReentrantLock segmentFilesLock)
    {
        this.directory = directory;
        this.segmentFilesLock = segmentFilesLock;
        this.context = context;
        this.lock = lock;
        this.metadata = metadata;
        this.syncer = syncer;
        this.appender = appender;
        this.agentRunner = agentRunner;
        this.failure = failure;
        this.recoveryReport = recoveryReport;
        this.reader = JournalReader.ofWriter(context.directory(), metadata);
    }

    /**
     * Open a journal for writing, creating it if the directory holds none, and recover it.
     *
     * @param context settings; concluded here.
     * @return the open journal.
     * @throws WriterLockedException       when another writer has it open.
     * @throws JournalCorruptionException  when it is damaged below its durable position, or holds foreign files.
     * @throws StorageSpaceException       when the first segment cannot be allocated.
     * @throws JournalConfigurationException when a setting, or the JVM, does not allow it.
     */
    public static Journal open(final JournalContext context)
    {
        context.conclude();
        final JournalDirectory directory = new JournalDirectory(context.directory(), context.filePermissions());
        final WriterLock lock = WriterLock.acquire(context.directory(), context.filePermissions());
        final ReentrantLock segmentFilesLock = new ReentrantLock();
        MetadataFile metadata = null;
        SegmentSyncer syncer = null;
        try
        {
            directory.delete(JournalDirectoryLayout.METADATA_TEMPORARY_FILE);
            deleteCompactionLeftovers(directory);
            metadata = openOrCreateMetadata(context, directory);
            final boolean positional = context.writeMode() == WriteMode.POSITIONAL;
            // before recovery and before any frame: a tailer must know how frames are published before it reads one
            metadata.writerWriteMode(positional);
            context.segmentLengthOfJournal(metadata.segmentLength());
            metadata.errorLog().setMemory(0, metadata.errorLog().capacity(), (byte)0);
            final JournalFailure failure = new JournalFailure(context.directory().toString(),
                new DistinctErrorLog(metadata.errorLog(), SystemEpochClock.INSTANCE),
                metadata.counter(JournalCounter.ERRORS));
            metadata.counter(JournalCounter.ERRORS).setRelease(0);

            final JournalRecovery.Outcome outcome = new JournalRecovery(
                directory, metadata, context.recoveryMode(), ALLOWED_NAMES, context.indexInterval(),
                context.fullRecoveryScan()).recover();
            final RecoveryReport report = outcome.report();
            if (report.droppedAnything())
            {
                // the logger is looked up only here: the first System.getLogger in a JVM loads and configures the
                // logging backend, tens of milliseconds an open that found nothing to say should not pay
                System.getLogger("io.varve.journal").log(System.Logger.Level.WARNING, "{0}: {1}",
                    context.directory(), report);
            }
            metadata.counter(JournalCounter.RECOVERY_DROPPED_RECORDS).setRelease(report.droppedRecords());
            metadata.counter(JournalCounter.RECOVERY_DROPPED_BYTES).setRelease(report.droppedBytes());

            final FsyncPolicy policy = context.fsyncPolicy();
            final RecordTimestamps timestamps = new RecordTimestamps(context.clock(), context.exactTimestamps());
            final SessionCounters sessionCounters = new SessionCounters(
                metadata, outcome.tail().position(), outcome.tail().nextSequence());
            syncer = new SegmentSyncer(directory, metadata, metadata.segmentLength(),
                policy.kind() != FsyncPolicy.Kind.NONE, context.forceInterceptor(), context.durabilityListener(),
                failure,
                outcome.durablePosition());
            final SegmentPreparer preparer = new SegmentPreparer(directory, metadata.segmentLength(),
                context.indexInterval(), metadata.journalId(), context.preTouch(), syncer, failure,
                metadata.counter(JournalCounter.WRITER_POSITION), metadata.counter(JournalCounter.ALLOCATION_STALLS),
                policy.kind() == FsyncPolicy.Kind.PERIODIC ? policy.interval().toNanos() : 0, timestamps,
                sessionCounters, context.prepareAhead());
            preparer.retention(new SegmentRetention(context.retention(), directory, metadata.segmentLength(), syncer,
                metadata.counter(JournalCounter.WRITER_POSITION), metadata, metadata.counter(JournalCounter.SEGMENTS),
                failure, segmentFilesLock));
            preparer.adopt(outcome.preparedNextBase());
            preparer.positional(positional);
            final SegmentMapping tail = mapTail(context, directory, metadata, preparer, outcome.tail());
            publishStartCounters(directory, metadata, outcome.tail());

            final JournalRecovery.RecoveredTail recovered = outcome.tail();
            final Appender appender = new Appender(context.directory().toString(), metadata,
                context.maxRecordLength(), context.frameChecksums(), policy, context.clock(), timestamps, preparer,
                syncer, failure, new Appender.TailState(tail, recovered.offset(), recovered.indexEntries(),
                recovered.nextIndexOffset(), recovered.nextSequence(), recovered.lastTimestamp()),
                segmentMaxAgeNanos(context.segmentMaxAge()), context.writeMode(), context.stagingBufferLength(),
                context.maxStagingDelay().toNanos());
            metadata.writerProcess(ProcessHandle.current().pid(), context.clock().nanoTime());
            metadata.writerBoot(HostBoot.id(), Appender.MIN_FRAME_BOUND);

            final AgentRunner runner = new AgentRunner(
                new SleepingMillisIdleStrategy(1), new FailureRecorder(failure), null, preparer);
            AgentRunner.startOnThread(runner, context.threadFactory());
            return new Journal(context, lock, metadata, syncer, appender, runner, failure, report, directory,
                segmentFilesLock);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(syncer);
            CloseHelper.quietClose(metadata);
            lock.close();
            throw ex;
        }
    }

    /**
     * The agent's error handler: a class rather than a method reference, whose first use in a JVM would spin a
     * lambda class on the open path.
     */
    private static final class FailureRecorder implements ErrorHandler
    {
        private final JournalFailure failure;

        private FailureRecorder(final JournalFailure failure)
        {
            this.failure = failure;
        }

        public void onError(final Throwable throwable)
        {
            failure.record(throwable);
        }
    }

    /** The segment age bound in nanoseconds, 0 for none; a bound beyond a long of nanoseconds is none. */
    private static long segmentMaxAgeNanos(final Duration segmentMaxAge)
    {
        if (segmentMaxAge == null)
        {
            return 0;
        }
        try
        {
            return segmentMaxAge.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return 0;
        }
    }

    private static void deleteCompactionLeftovers(final JournalDirectory directory)
    {
        // a plain directory stream: a Stream and a method reference would cost their bootstrap on a fresh JVM's open
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path()))
        {
            for (final Path file : files)
            {
                if (file.getFileName().toString().endsWith(JournalCompactor.TEMPORARY_SUFFIX))
                {
                    Files.delete(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot clean up compaction leftovers: directory=" + directory.path(), ex);
        }
    }

    private static MetadataFile openOrCreateMetadata(final JournalContext context, final JournalDirectory directory)
    {
        if (MetadataFile.exists(context.directory()))
        {
            return MetadataFile.open(context.directory(), false);
        }
        final JournalDirectory.Listing listing = directory.list(ALLOWED_NAMES);
        if (listing.segmentBases().length > 0)
        {
            throw new JournalCorruptionException(context.directory().resolve(JournalDirectoryLayout.METADATA_FILE), -1,
                "metadata file missing but the directory holds " + listing.segmentBases().length + " segment files",
                "restore journal.meta from a backup");
        }
        if (!listing.foreignNames().isEmpty())
        {
            throw new JournalCorruptionException(context.directory().resolve(listing.foreignNames().get(0)), -1,
                "directory is not empty and holds no journal: cannot create a journal here",
                "use an empty directory");
        }
        long journalId = 0;
        while (journalId == 0)
        {
            journalId = new SecureRandom().nextLong();
        }
        return MetadataFile.create(directory, context.segmentLengthForNewJournal(), journalId,
            context.clock().nanoTime(), SegmentDescriptor.HEADER_LENGTH);
    }

    private static SegmentMapping mapTail(
        final JournalContext context,
        final JournalDirectory directory,
        final MetadataFile metadata,
        final SegmentPreparer preparer,
        final JournalRecovery.RecoveredTail tail)
    {
        final int segmentLength = metadata.segmentLength();
        if (context.writeMode() == WriteMode.POSITIONAL)
        {
            return openTailForPositionalWrites(context, directory, metadata, preparer, tail);
        }
        if (!tail.segmentStarted())
        {
            final SegmentMapping mapping = preparer.prepare(tail.basePosition());
            SegmentDescriptor.writeHeader(mapping.segment().buffer(), segmentLength, tail.basePosition(),
                tail.nextSequence(), context.clock().nanoTime(), metadata.journalId(), 0);
            mapping.segment().force(0, SegmentDescriptor.HEADER_LENGTH, context.forceInterceptor());
            return mapping;
        }
        final Path segmentPath = directory.resolve(JournalDirectoryLayout.segmentFileName(tail.basePosition()));
        final Path indexPath = directory.resolve(JournalDirectoryLayout.indexFileName(tail.basePosition()));
        MappedFile segment = null;
        try
        {
            segment = MappedFile.map(segmentPath, segmentLength, false);
            final MappedFile index = MappedFile.map(indexPath, IndexDescriptor.HEADER_LENGTH, true);
            final int interval = IndexDescriptor.interval(index.buffer());
            index.close();
            return new SegmentMapping(tail.basePosition(), segment,
                MappedFile.map(indexPath, IndexDescriptor.fileLength(segmentLength, interval), false));
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(segment);
            throw new UncheckedIOException("cannot map tail segment: file=" + segmentPath, ex);
        }
    }

    /**
     * The tail segment for a positional writer: a channel, never a writable mapping. Recovery may have mapped the
     * tail writable to zero a torn end; that mapping was closed before this, and its stores reach the same page cache
     * the positional writes go to.
     */
    private static SegmentMapping openTailForPositionalWrites(
        final JournalContext context,
        final JournalDirectory directory,
        final MetadataFile metadata,
        final SegmentPreparer preparer,
        final JournalRecovery.RecoveredTail tail)
    {
        final int segmentLength = metadata.segmentLength();
        if (!tail.segmentStarted())
        {
            final SegmentMapping mapping = preparer.prepare(tail.basePosition());
            try
            {
                final ByteBuffer header = ByteBuffer.allocateDirect(SegmentDescriptor.HEADER_LENGTH);
                SegmentDescriptor.writeHeader(new UnsafeBuffer(header), segmentLength, tail.basePosition(),
                    tail.nextSequence(), context.clock().nanoTime(), metadata.journalId(), 0);
                while (header.hasRemaining())
                {
                    mapping.channel().write(header, header.position());
                }
                mapping.force(0, SegmentDescriptor.HEADER_LENGTH, context.forceInterceptor());
                return mapping;
            }
            catch (final IOException | RuntimeException ex)
            {
                mapping.close();
                throw ex instanceof IOException ? new UncheckedIOException("cannot start segment: file=" +
                    mapping.segmentPath(), (IOException)ex) : (RuntimeException)ex;
            }
        }
        final Path segmentPath = directory.resolve(JournalDirectoryLayout.segmentFileName(tail.basePosition()));
        final Path indexPath = directory.resolve(JournalDirectoryLayout.indexFileName(tail.basePosition()));
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(segmentPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final MappedFile index = MappedFile.map(indexPath, IndexDescriptor.HEADER_LENGTH, true);
            final int interval = IndexDescriptor.interval(index.buffer());
            index.close();
            return new SegmentMapping(tail.basePosition(), segmentPath, channel,
                MappedFile.map(indexPath, IndexDescriptor.fileLength(segmentLength, interval), false));
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            throw new UncheckedIOException("cannot open tail segment: file=" + segmentPath, ex);
        }
    }

    private static void publishStartCounters(
        final JournalDirectory directory, final MetadataFile metadata, final JournalRecovery.RecoveredTail tail)
    {
        final long[] bases = directory.list(ALLOWED_NAMES).segmentBases();
        final long firstBase = bases.length > 0 ? bases[0] : tail.basePosition();
        metadata.counter(JournalCounter.SEGMENTS).setRelease(Math.max(bases.length, 1));
        metadata.counter(JournalCounter.WRITER_POSITION).setRelease(tail.position());
        metadata.counter(JournalCounter.NEXT_SEQUENCE).setRelease(tail.nextSequence());
        metadata.counter(JournalCounter.FIRST_POSITION).setRelease(firstBase + SegmentDescriptor.HEADER_LENGTH);
        final long firstSequence = SegmentHeaderReader.baseSequence(
            directory.resolve(JournalDirectoryLayout.segmentFileName(firstBase)));
        metadata.counter(JournalCounter.FIRST_SEQUENCE).setRelease(
            firstSequence >= 0 ? firstSequence : tail.nextSequence());
    }

    /**
     * The journal's one appender.
     *
     * @return the appender.
     */
    public Appender appender()
    {
        return appender;
    }

    /**
     * A reader of this journal sharing the writer's metadata mapping, for tailers in the writer's process.
     *
     * @return the reader; closing it leaves the journal open.
     */
    public JournalReader reader()
    {
        return reader;
    }

    /**
     * An unnamed tailer at the first record; shorthand for {@code reader().tailer()}.
     *
     * @return the tailer.
     */
    public Tailer tailer()
    {
        return reader.tailer();
    }

    /**
     * A named tailer that resumes where the last tailer of that name stopped; shorthand for
     * {@code reader().tailer(name)}.
     *
     * @param name of the tailer.
     * @return the tailer.
     */
    public Tailer tailer(final String name)
    {
        return reader.tailer(name);
    }

    /**
     * Force everything the appender has published so far and record it as durable, from any thread: a dedicated
     * force thread can call this while the appender goes on appending (the ring's group commit does).
     *
     * @return the durable position.
     * @throws JournalFailedException when a force fails, now or earlier.
     */
    public long forcePublished()
    {
        return syncer.sync(metadata.counterValue(JournalCounter.WRITER_POSITION));
    }

    /**
     * Keyed compaction of the sealed segments below the durable position, on the calling thread, while appending
     * goes on: keep the newest record of each key, drop tombstones older than the grace period, keep every record
     * without a key. See {@link JournalCompactor}.
     *
     * @param tombstoneGrace how long a tombstone is kept: longer than any tailer may lag, or a tailer that had read a
     *                       key's value and not yet its deletion keeps the deleted key.
     * @return what was rewritten.
     */
    public CompactionReport compact(final Duration tombstoneGrace)
    {
        if (closed)
        {
            throw new JournalClosedException("journal " + directory.path());
        }
        failure.check();
        // a grace longer than nanoseconds can count (292 years) keeps every tombstone, rather than overflow
        final long graceNanos = tombstoneGrace.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ?
            Long.MAX_VALUE : tombstoneGrace.toNanos();
        final long now = context.clock().nanoTime();
        final long tombstonesBefore = now - graceNanos > now ? Long.MIN_VALUE : now - graceNanos;
        return new JournalCompactor(directory, metadata.segmentLength(), metadata.journalId(), context.indexInterval(),
            segmentFilesLock)
            .compact(syncer.durablePosition(), metadata.counterValue(JournalCounter.WRITER_POSITION),
                tombstonesBefore);
    }

    /**
     * What recovery found and did when this journal opened.
     *
     * @return the report.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * Position below which every record is on storage.
     *
     * @return the durable position.
     */
    public long durablePosition()
    {
        return syncer.durablePosition();
    }

    /**
     * Directory of the journal.
     *
     * @return the path.
     */
    public Path directory()
    {
        return context.directory();
    }

    /**
     * The journal's id: a random number fixed when the journal was created; see {@link JournalReader#journalId()}.
     *
     * @return the id, never 0.
     */
    public long journalId()
    {
        return metadata.journalId();
    }

    /**
     * Bytes per segment.
     *
     * @return the segment length.
     */
    public int segmentLength()
    {
        return metadata.segmentLength();
    }

    /**
     * The journal's metadata file, for counters and tailers.
     *
     * @return the mapped file.
     */
    public MetadataFile metadata()
    {
        return metadata;
    }

    /**
     * Whether a force failed and the journal stopped.
     *
     * @return true when failed.
     */
    public boolean hasFailed()
    {
        return failure.hasFailed();
    }

    /**
     * Force everything appended, stop the background thread, unmap and release the writer lock. Appending after
     * close throws {@link JournalClosedException}. A journal that failed closes without forcing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        RuntimeException error = null;
        try
        {
            if (!failure.hasFailed() && !appender.isClosed())
            {
                appender.sync();
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        try
        {
            appender.close();
        }
        catch (final RuntimeException ex)
        {
            // a positional appender that could not write its staged records: the sync above said so already
            error = error == null ? ex : error;
        }
        CloseHelper.quietClose(agentRunner);
        CloseHelper.quietClose(syncer);
        if (!failure.hasFailed())
        {
            metadata.writerProcess(0, 0);
        }
        // the reader's kept segment mappings, and the metadata file: unmapped now, or when the last tailer still open
        // is closed, since its counters and named positions are views of that mapping
        CloseHelper.quietClose(reader::closeWithMetadata);
        lock.close();
        if (error != null)
        {
            throw error;
        }
    }
}
