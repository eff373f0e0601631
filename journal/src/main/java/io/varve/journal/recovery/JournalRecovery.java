package io.varve.journal.recovery;

import io.varve.journal.storage.RepairLog;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameChecksum;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.PageTables;
import io.varve.journal.storage.SegmentFrames;
import io.varve.journal.write.FrameWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * Finds the end of the log when a writer opens a journal, and truncates only what a crash tore.
 * <p>
 * It starts from the durable position recorded in the metadata file, at the last valid index entry at or below
 * it, and walks frames forward through any later segments, validating each, until the first zero length or bad
 * frame. The cost depends on the unsynced tail, not on the size of the journal. The durable position decides what
 * damage means, as Zeebe's flushed-index rule does:
 * <ul>
 *     <li>a bad frame, missing segment or damaged header <b>below</b> it is corruption of acknowledged data:
 *     opening refuses with the file, offset and reason, unless {@link RecoveryMode#TRUNCATE_CORRUPTION} asks to
 *     truncate there;</li>
 *     <li>a bad frame <b>beyond</b> it is a torn tail, even in a sealed segment whose roll was never synced:
 *     recovery zeroes it, deletes any later segments (newest first), and reports what it dropped.</li>
 * </ul>
 * Recovery then forces what it kept and records the end as the new durable position, so a recovered journal has
 * no unsynced tail. It rebuilds the index entries of the segments it scans, writing only those that differ. It
 * forces only what it changed and the frames that become durable, and records the durable position only when it
 * moves: opening a journal that was closed cleanly writes and forces nothing.
 * <p>
 * Frames are judged only by {@link FrameReader}, segments opened and chained only through {@link SegmentFrames};
 * what to do with damage is decided in one place, {@link RepairPolicy}, and what a repair drops is counted by
 * {@link DroppedRecords}. A repair ({@link RecoveryMode#TRUNCATE_CORRUPTION}) reads every frame from the journal's
 * start, keeps the intact frames of a segment file cut short and gives it its length back, and, when durable
 * records are dropped, goes on above every sequence they had in a new segment and records the gap in
 * {@code repair.log} ({@link RepairLog}). {@link #plan(Path)} shows what a repair would do without changing a byte.
 * <p>
 * Asked to ({@code JournalContext.fullRecoveryScan(false)}), on the last writer's own boot (its boot id is in the
 * metadata file) recovery reads from the last started segment's last valid index entry instead of from the
 * durable position: the page cache survived the process and a frame's length is stored last, so every frame with
 * a length is whole and only that segment's tail can hold a partly written one. Opening after a process crash then
 * costs the same whatever was left unsynced; it forces nothing, and the durable position stays where the last
 * force put it, for the next sync to force everything after it. Damage done to the segments it did not read,
 * behind the journal's back, is found by a tailer's CRC32C check and by the verifier, not here.
 * <p>
 * Threading: NOT threadsafe; runs once, on the opening thread, while the writer lock is held.
 */
public final class JournalRecovery
{
    /** Name of the repair log, in the journal directory. */
    public static final String REPAIR_LOG = JournalDirectoryLayout.REPAIR_LOG_FILE;

    private static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;
    private static final int PAGE_SIZE = 4096;

    private final JournalDirectory directory;
    private final MetadataFile metadata;
    private final Set<String> allowedNames;
    private final int segmentLength;
    private final long journalId;
    private final int indexInterval;
    private final boolean sameBoot;
    private final boolean fullScan;
    private final boolean planOnly;
    private final boolean fromStart;
    private final RepairPolicy policy;
    private final DroppedRecords dropped = new DroppedRecords();
    private final List<String> deleted = new ArrayList<>();
    private final List<Scan> touched = new ArrayList<>();
    private final long writerNextSequence;
    private final long firstPosition;
    private final long firstSequence;
    private final long writerPositionHint;

    private long[] bases;
    private long[] indexBases;
    private long journalEnd;
    private boolean durableRecordMissing;
    private long durable;
    private boolean deletedAny;
    private boolean tailOnly;
    private long scannedBytes;
    private long preparedNextBase = -1;

    /**
     * Recovery of one journal.
     *
     * @param directory     of the journal.
     * @param metadata      mapped read-write.
     * @param mode          what to do with corruption below the durable position.
     * @param allowedNames  names in the directory besides the journal's own files that are not foreign.
     * @param indexInterval for index files that must be recreated.
     * @param fullScan      check every frame after the durable position even on the last writer's own boot.
     */
    public JournalRecovery(
        final JournalDirectory directory,
        final MetadataFile metadata,
        final RecoveryMode mode,
        final Set<String> allowedNames,
        final int indexInterval,
        final boolean fullScan)
    {
        this(directory, metadata, mode, allowedNames, indexInterval, fullScan, false);
    }

    private JournalRecovery(
        final JournalDirectory directory,
        final MetadataFile metadata,
        final RecoveryMode mode,
        final Set<String> allowedNames,
        final int indexInterval,
        final boolean fullScan,
        final boolean planOnly)
    {
        this.fullScan = fullScan;
        this.planOnly = planOnly;
        this.fromStart = mode == RecoveryMode.TRUNCATE_CORRUPTION;
        this.directory = directory;
        this.metadata = metadata;
        this.policy = new RepairPolicy(mode, directory.path());
        this.allowedNames = allowedNames;
        this.segmentLength = metadata.segmentLength();
        this.journalId = metadata.journalId();
        this.indexInterval = indexInterval;
        this.sameBoot = metadata.writerRanOnThisBoot();
        this.writerNextSequence = metadata.counterValue(JournalCounter.NEXT_SEQUENCE);
        this.firstPosition = metadata.counterValue(JournalCounter.FIRST_POSITION);
        this.firstSequence = metadata.counterValue(JournalCounter.FIRST_SEQUENCE);
        this.writerPositionHint = metadata.counterValue(JournalCounter.WRITER_POSITION);
    }

    /**
     * What a repair ({@link RecoveryMode#TRUNCATE_CORRUPTION}, every frame from the durable position's segment
     * checked) would find and drop, without changing a byte: files are mapped read-only, nothing is deleted,
     * zeroed, indexed or forced. For {@code varve repair} without {@code --apply}, on a journal no writer holds.
     *
     * @param journalDirectory of the journal.
     * @return the report a repair would give; {@link RecoveryReport#planOnly()} is true.
     * @throws JournalCorruptionException when the journal cannot be repaired (damaged metadata, first segment).
     */
    public static RecoveryReport plan(final Path journalDirectory)
    {
        try (MetadataFile metadata = MetadataFile.open(journalDirectory, true))
        {
            return new JournalRecovery(new JournalDirectory(journalDirectory, Set.of()), metadata,
                RecoveryMode.TRUNCATE_CORRUPTION, Set.of(JournalDirectoryLayout.METADATA_TEMPORARY_FILE),
                IndexDescriptor.DEFAULT_INTERVAL, true, true).recover().report();
        }
    }

    /**
     * Where the recovered journal ends, for the appender.
     *
     * @param basePosition    of the tail segment.
     * @param offset          in it where the next frame goes.
     * @param segmentStarted  false when the tail segment must be created and its header written.
     * @param indexEntries    valid entries in its index.
     * @param nextIndexOffset offset from which the next frame gets an index entry.
     * @param nextSequence    of the next record.
     * @param lastTimestamp   of the last record, or 0.
     */
    public record RecoveredTail(
        long basePosition,
        int offset,
        boolean segmentStarted,
        int indexEntries,
        int nextIndexOffset,
        long nextSequence,
        long lastTimestamp)
    {
        /**
         * Position where the next frame goes.
         *
         * @return the position.
         */
        public long position()
        {
            return basePosition + offset;
        }
    }

    /**
     * What recovery returns.
     *
     * @param report           what it found and did.
     * @param tail             where the journal ends.
     * @param preparedNextBase base of the segment after the tail, allocated and zeroed ahead of the last writer and
     *                         kept for the next one to take over, or -1 when there is none.
     * @param durablePosition  the durable position recovery stored.
     */
    public record Outcome(RecoveryReport report, RecoveredTail tail, long preparedNextBase, long durablePosition)
    {
    }

    /**
     * Run recovery.
     *
     * @return the report and the tail.
     * @throws JournalCorruptionException when the journal is damaged below its durable position (in
     *                                    {@link RecoveryMode#STRICT}) or beyond repair.
     */
    public Outcome recover()
    {
        final long start = System.nanoTime();
        try
        {
            final long durableBefore = readDurablePosition();
            final RecoveredTail end = findEnd();
            dropped.startAt(end.nextSequence());
            if (durableRecordMissing)
            {
                dropped.known(end.nextSequence());
            }
            boolean exact = dropped.exact();
            if (policy.durableDataDropped() && writerNextSequenceIsPlausible(end) &&
                writerNextSequence - 1 >= dropped.highestSequence())
            {
                // the last writer's own count of what it handed out: exact on its boot, where the metadata page
                // survived in the page cache; after a reboot it may be older than the records it counts
                dropped.known(writerNextSequence - 1);
                exact |= sameBoot;
            }
            final long records = dropped.records();
            final long firstDropped = records > 0 ? dropped.firstSequence() : -1;
            final long lastDropped = records > 0 ? firstDropped + records - 1 : -1;
            // never hand out again a sequence a durable record had: after durable records are lost, the journal
            // goes on above every sequence known to have been handed out, in a new segment, and the repair log says
            // where the gap is
            final long nextSequence = policy.durableDataDropped() && lastDropped >= end.nextSequence() ?
                lastDropped + 1 : end.nextSequence();
            RecoveredTail tail = end;
            Path repairLog = null;
            if (!planOnly)
            {
                if (nextSequence != end.nextSequence())
                {
                    tail = startAfterGap(end, nextSequence);
                }
                if (policy.durableDataDropped())
                {
                    repairLog = directory.resolve(REPAIR_LOG);
                }
            }
            final RecoveryReport report = new RecoveryReport(durableBefore, tail.position(), nextSequence,
                records, dropped.bytes(), policy.file(), policy.offset(), policy.reason(),
                policy.durableDataDropped(), List.copyOf(deleted), scannedBytes, System.nanoTime() - start,
                firstDropped, lastDropped, exact || records == 0, repairLog, planOnly);
            if (planOnly)
            {
                return new Outcome(report, tail, preparedNextBase, durableBefore);
            }
            if (repairLog != null)
            {
                directory.appendLine(REPAIR_LOG, java.time.Instant.now() + " " + report.repairLine());
            }
            // Reading only the tail on the writer's own boot leaves the durable position where the last force put
            // it (the segments before were written, perhaps never forced, and not read): nothing needs forcing for
            // it, and the next sync forces everything from there, what recovery changed included. A repair below the
            // durable position moves it down to what was kept, which must then be on storage.
            // Forced, when the durable position moves to the end: what recovery changed (a cleared tail, rebuilt
            // index entries) and the frames the durable position now covers. A journal closed cleanly needs neither:
            // its end is its durable position, and a scan that finds what the writer left writes nothing.
            final boolean forceKept = !tailOnly || policy.durableDataDropped();
            if (forceKept)
            {
                for (final Scan scan : touched)
                {
                    scan.force(durable, tail.position());
                }
            }
            if (deletedAny)
            {
                directory.fsync();
            }
            final long durableAfter = forceKept ? tail.position() : Math.min(durable, tail.position());
            if (durableAfter != durableBefore || !metadata.hasValidDurableSlot())
            {
                metadata.storeDurablePosition(durableAfter, null);
            }
            else
            {
                // already recorded: writing the same position again would cost a force of the metadata page
                metadata.counter(JournalCounter.DURABLE_POSITION).setRelease(durableAfter);
            }
            return new Outcome(report, tail, preparedNextBase, durableAfter);
        }
        finally
        {
            for (final Scan scan : touched)
            {
                scan.close();
            }
        }
    }

    /**
     * A damaged metadata page could hold any count: believe it only when so many records could have fitted in the
     * segments the journal had.
     */
    private boolean writerNextSequenceIsPlausible(final RecoveredTail end)
    {
        final long bytesAfter = Math.max(0, journalEnd - end.position());
        return writerNextSequence > end.nextSequence() &&
            writerNextSequence - end.nextSequence() <= bytesAfter / HEADER_LENGTH + 1;
    }

    private long readDurablePosition()
    {
        final JournalDirectory.Listing listing = directory.list(allowedNames);
        if (!listing.foreignNames().isEmpty())
        {
            throw new JournalCorruptionException(directory.resolve(listing.foreignNames().get(0)), -1,
                "foreign file in journal directory: not a segment, index or metadata file",
                "move it out of the journal directory");
        }
        bases = listing.segmentBases();
        indexBases = listing.indexBases();
        for (final long base : bases)
        {
            if (base % segmentLength != 0)
            {
                throw new JournalCorruptionException(segmentPath(base), -1,
                    "foreign segment: name is not a multiple of the segment length: segmentLength=" + segmentLength,
                    "move it out of the journal directory");
            }
        }
        journalEnd = bases.length == 0 ? 0 : bases[bases.length - 1] + segmentLength;
        if (!planOnly)
        {
            deleteOrphanIndexes(listing.indexBases());
        }
        final long recorded;
        if (metadata.hasValidDurableSlot())
        {
            recorded = metadata.durablePositionFromSlots();
        }
        else
        {
            policy.durablePositionLost(metadata.path(), MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
                "both durable position slots are damaged");
            recorded = bases.length == 0 ? FIRST_FRAME : bases[0] + FIRST_FRAME;
        }
        durable = normalise(recorded);
        return recorded;
    }

    private long normalise(final long position)
    {
        final long base = position & -(long)segmentLength;
        return position - base < FIRST_FRAME ? base + FIRST_FRAME : position;
    }

    private void deleteOrphanIndexes(final long[] indexBases)
    {
        for (final long indexBase : indexBases)
        {
            if (Arrays.binarySearch(bases, indexBase) < 0)
            {
                directory.delete(JournalDirectoryLayout.indexFileName(indexBase));
            }
        }
    }

    private RecoveredTail findEnd()
    {
        if (bases.length == 0)
        {
            return emptyJournal();
        }
        trimAtGap();
        int segment = startSegment();
        if (fromStart)
        {
            // a repair checks every frame, as 'varve verify' does, so it finds the damage verify reports
            segment = 0;
        }
        final int tailSegment = fullScan || !sameBoot || fromStart ? -1 : lastStartedSegment(segment);
        if (tailSegment >= 0)
        {
            tailOnly = true;
            segment = tailSegment;
        }
        while (true)
        {
            final Scan scan = openScan(bases[segment]);
            final String problem = scan.headerProblem();
            if (problem == null)
            {
                return scanFrom(segment, scan);
            }
            scan.close();
            touched.remove(scan);
            if (bases[segment] + FIRST_FRAME >= durable)
            {
                // no durable frame in it: a first segment whose creation never completed
                final long base = bases[segment];
                deleteFrom(segment); // shortens bases
                return new RecoveredTail(base, FIRST_FRAME, false, 0, 0, metadataFirstSequence(), 0);
            }
            policy.damaged(scan.path, 0, problem, true);
            if (segment == 0)
            {
                throw new JournalCorruptionException(scan.path, 0, problem + "; the journal's first segment " +
                    "cannot be repaired automatically", "restore it from a backup");
            }
            deleteFrom(segment);
            segment--;
            durable = Math.min(durable, bases[segment] + segmentLength);
        }
    }

    private RecoveredTail emptyJournal()
    {
        final long base = durable & -(long)segmentLength;
        if (durable != base + FIRST_FRAME)
        {
            policy.damaged(directory.path(), -1, "no segment files but the durable position is " + durable, true);
            dropped.unreadableBelowDurable(base);
            durable = base + FIRST_FRAME;
        }
        return new RecoveredTail(base, FIRST_FRAME, false, 0, 0, metadataFirstSequence(), 0);
    }

    private long metadataFirstSequence()
    {
        return Math.max(0, metadata.counterValue(JournalCounter.FIRST_SEQUENCE));
    }

    private void trimAtGap()
    {
        int count = bases.length;
        for (int i = 1; i < bases.length; i++)
        {
            if (bases[i] != bases[0] + (long)i * segmentLength)
            {
                count = i;
                break;
            }
        }
        if (count < bases.length)
        {
            final long gapBase = bases[0] + (long)count * segmentLength;
            if (durable > gapBase + FIRST_FRAME)
            {
                policy.damaged(segmentPath(gapBase), -1, "segment file missing below the durable position: " +
                    "durablePosition=" + durable, true);
                dropped.unreadableBelowDurable(gapBase);
                durable = gapBase;
            }
            deleteFrom(count);
        }
    }

    /**
     * On the last writer's own boot the page cache survived the process: every frame whose length is set was written
     * whole before its length (stored last), so a partly written frame can only follow the last committed one, in
     * the last segment that was started. Find that segment, checking that the segments from the durable position's
     * on have valid headers, ascending base sequences and index files, so that anything unusual gets the full scan.
     *
     * @param from the segment holding the durable position.
     * @return the last started segment, or -1 for a full scan from the durable position.
     */
    private int lastStartedSegment(final int from)
    {
        int last = -1;
        long previousBaseSequence = -1;
        // headers only, one read each: mapping every segment to read 64 bytes would cost an mmap and munmap apiece
        try (SegmentFrames headers = new SegmentFrames(directory.path(), segmentLength, journalId, false, false))
        {
            for (int i = from; i < bases.length; i++)
            {
                final int status = headers.readHeader(bases[i]);
                // a file shorter than a header was being created when the writer died: never started either
                if (status == SegmentFrames.NOT_STARTED || (status == SegmentFrames.DAMAGED &&
                    headers.fileLength() < SegmentDescriptor.HEADER_LENGTH))
                {
                    // the segment being prepared ahead of the writer, or prepared: never started, and only the last
                    // file may be one; the scan decides whether to keep it
                    return i == bases.length - 1 ? last : -1;
                }
                if (status != SegmentFrames.OPENED || headers.isCompacted() ||
                    headers.baseSequence() < previousBaseSequence ||
                    Arrays.binarySearch(indexBases, bases[i]) < 0)
                {
                    return -1;
                }
                previousBaseSequence = headers.baseSequence();
                last = i;
            }
        }
        return last;
    }

    private int startSegment()
    {
        final int last = bases.length - 1;
        final long durableBase = durable & -(long)segmentLength;
        if (durableBase < bases[0])
        {
            policy.damaged(segmentPath(durableBase), -1, "segment holding the durable position was deleted: " +
                "durablePosition=" + durable + " firstSegment=" + bases[0], true);
            dropped.unreadableBelowDurable(durableBase);
            durable = bases[0] + FIRST_FRAME;
        }
        else if (JournalStructure.headMissing(firstPosition, firstSequence, bases[0], segmentPath(bases[0]),
            segmentLength) != null)
        {
            // the records are gone whatever is done; a repair keeps what follows and says so in repair.log
            policy.damaged(segmentPath(firstPosition & -(long)segmentLength), -1, JournalStructure.headMissing(
                firstPosition, firstSequence, bases[0], segmentPath(bases[0]), segmentLength), true);
        }
        if (durableBase > bases[last] &&
            !(durableBase == bases[last] + segmentLength && durable == durableBase + FIRST_FRAME))
        {
            policy.damaged(segmentPath(durableBase), -1, "segment holding the durable position is missing: " +
                "durablePosition=" + durable, true);
            dropped.unreadableBelowDurable(durableBase);
            // its durable bytes held at least one record, and the journal reached at least that segment's end: the
            // last writer's sequence count may cover it
            dropped.bytes(durable - durableBase - FIRST_FRAME);
            durableRecordMissing = true;
            journalEnd = Math.max(journalEnd, durableBase + segmentLength);
            durable = bases[last] + segmentLength;
        }
        final int segment = (int)((Math.min(durable & -(long)segmentLength, bases[last]) - bases[0]) / segmentLength);
        final boolean nothingDurableInIt = durable <= bases[segment] + FIRST_FRAME;
        return nothingDurableInIt && segment > 0 ? segment - 1 : segment;
    }

    private RecoveredTail scanFrom(final int firstSegment, final Scan first)
    {
        int segment = firstSegment;
        Scan scan = first;
        final int limit = fromStart ? FIRST_FRAME : tailOnly ? scan.limit :
            (int)Math.min(Math.max(durable - scan.base, FIRST_FRAME), scan.limit);
        FrameReader frames = scan.startAtIndex(limit);
        if (!tailOnly)
        {
            scan.populate(frames.offset());
        }
        while (true)
        {
            final int offset = frames.offset();
            final long position = scan.base + offset;
            final int result = frames.next();
            if (result == FrameReader.RECORD)
            {
                if (position < durable && position + frames.alignedLength() > durable)
                {
                    return damagedAt(segment, scan, offset,
                        "durable position is not a frame boundary: durablePosition=" + durable);
                }
                scannedBytes += frames.alignedLength();
                scan.indexFrame(offset, frames.sequence(), frames.timestamp());
                frames.advance();
                continue;
            }
            if (result == FrameReader.NOT_WRITTEN && position >= durable)
            {
                return endAt(segment, scan, offset, frames.nextSequence(), frames.lastTimestamp(), null);
            }
            if (result == FrameReader.END_OF_SEGMENT && !scan.truncated)
            {
                // recovery may have started at an index entry: the trailer's record count is not checked, its end
                // and frames checksum are
                final String incomplete = scan.frames.checkEnd(-1);
                if (incomplete != null)
                {
                    return damagedAt(segment, scan, offset, incomplete);
                }
                scannedBytes += frames.limit() - offset;
                scan.clearUnscannedEntries();
                final long expectedSequence = frames.nextSequence();
                final long lastTimestamp = frames.lastTimestamp();
                final Scan next = transition(segment, expectedSequence, scan.compacted);
                if (next == null)
                {
                    return endBeforeSegment(segment + 1, expectedSequence, lastTimestamp);
                }
                segment++;
                scan = next;
                frames = scan.frames.frames().position(FIRST_FRAME, expectedSequence, lastTimestamp);
                if (scan.compacted || expectedSequence != scan.frames.baseSequence())
                {
                    frames.position(FIRST_FRAME, scan.frames.baseSequence(), lastTimestamp);
                }
                continue;
            }
            final String problem;
            if (result == FrameReader.NOT_WRITTEN)
            {
                problem = "frame length is zero below the durable position: durablePosition=" + durable;
            }
            else if (scan.truncated && (result == FrameReader.END_OF_SEGMENT ||
                frames.frameLength() > frames.limit() - offset || frames.type() == FrameDescriptor.PADDING_TYPE))
            {
                problem = scan.truncation() + ": the frame at offset=" + offset + " ends beyond it";
            }
            else
            {
                problem = frames.reason();
            }
            return damagedAt(segment, scan, offset, problem);
        }
    }

    private RecoveredTail damagedAt(final int segment, final Scan scan, final int offset, final String problem)
    {
        final FrameReader frames = scan.frames.frames();
        final boolean belowDurable = scan.base + offset < durable;
        policy.damaged(scan.path, offset, problem, belowDurable);
        return endAt(segment, scan, offset, frames.nextSequence(), frames.lastTimestamp(), problem);
    }

    private Scan transition(final int segment, final long expectedSequence, final boolean afterCompacted)
    {
        final int next = segment + 1;
        if (next >= bases.length)
        {
            return null;
        }
        final long nextBase = bases[next];
        final Scan scan = openScan(nextBase);
        String problem = scan.headerProblem();
        if (problem == null)
        {
            problem = scan.frames.continues(expectedSequence, afterCompacted);
        }
        if (problem == null)
        {
            scan.startFresh(scan.frames.baseSequence());
            scan.populate(FIRST_FRAME);
            return scan;
        }
        // a file whose header was started held frames; a segment prepared ahead and never started did not
        if (scan.status != SegmentFrames.NOT_STARTED && scan.status != SegmentFrames.MISSING)
        {
            policy.damaged(scan.path, 0, problem, nextBase + FIRST_FRAME < durable);
        }
        else if (nextBase + FIRST_FRAME < durable)
        {
            policy.damaged(scan.path, 0, problem, true);
        }
        return null;
    }

    private RecoveredTail endAt(
        final int segment,
        final Scan scan,
        final int offset,
        final long nextSequence,
        final long lastTimestamp,
        final String problem)
    {
        countDropped(scan, offset, nextSequence, lastTimestamp);
        final long bytes = dropTail(scan, offset);
        if (scan.truncated)
        {
            restoreLength(scan);
        }
        if (problem == null && (bytes > 0 || scan.truncated))
        {
            policy.damaged(scan.path, offset, scan.truncated ? scan.truncation() :
                "non-zero bytes after the end of the log", false);
        }
        scan.clearUnscannedEntries();
        keepPreparedOrDeleteFrom(segment + 1);
        return new RecoveredTail(scan.base, offset, true, scan.entries, scan.nextIndexOffset, nextSequence,
            timestampOrZero(lastTimestamp));
    }

    private RecoveredTail endBeforeSegment(final int segment, final long nextSequence, final long lastTimestamp)
    {
        final long base = bases[segment - 1] + segmentLength;
        deleteFrom(segment);
        return new RecoveredTail(base, FIRST_FRAME, false, 0, 0, nextSequence, timestampOrZero(lastTimestamp));
    }

    private static long timestampOrZero(final long timestamp)
    {
        return timestamp == Long.MIN_VALUE ? 0 : timestamp;
    }

    /**
     * Count the records from a damage point on: valid frames through the {@link FrameReader}, and a damaged frame
     * walked past by its length when the frame after it carries the next sequence (which shows it was a record).
     */
    private void countDropped(final Scan scan, final int offset, final long nextSequence, final long lastTimestamp)
    {
        final FrameReader frames = scan.frames.frames();
        frames.position(offset, nextSequence, lastTimestamp);
        int unconfirmed = -1;
        while (true)
        {
            final int at = frames.offset();
            final int result = frames.next();
            if (result == FrameReader.RECORD)
            {
                unconfirmed = -1;
                dropped.record(frames.sequence());
                frames.advance();
                continue;
            }
            final boolean walkable = result == FrameReader.DAMAGED && frames.frameLength() >= HEADER_LENGTH &&
                frames.frameLength() <= frames.limit() - at && frames.type() != FrameDescriptor.PADDING_TYPE;
            if (walkable && at == offset)
            {
                unconfirmed = at;
                dropped.record(frames.nextSequence());
                frames.position(at + frames.alignedLength(), frames.nextSequence() + 1, frames.lastTimestamp());
                continue;
            }
            if (unconfirmed >= 0)
            {
                // nothing after the damaged frame shows it was a record
                unreadableFrom(scan, unconfirmed);
            }
            if (result != FrameReader.END_OF_SEGMENT || scan.truncated)
            {
                // a zero length, damage or the end of a cut file: what the bytes from here held below the durable
                // position cannot be told
                unreadableFrom(scan, at);
            }
            return;
        }
    }

    private void unreadableFrom(final Scan scan, final int offset)
    {
        if (scan.base + offset < durable)
        {
            dropped.unreadableBelowDurable(scan.base + offset);
        }
    }

    /**
     * Clear from a damage point to the end of the segment's bytes and count what was there.
     *
     * @return bytes dropped.
     */
    private long dropTail(final Scan scan, final int offset)
    {
        final UnsafeBuffer buffer = scan.buffer;
        final int end = scan.limit;
        // On the writer's own boot the page cache survived: beyond the last committed frame there can be at most one
        // partly written frame, so clearing a maximum frame's length is enough. After a reboot anything may be there,
        // and a truncated file is read to its end.
        final int maxFrame = metadata.writerMaxFrameLength();
        final int clearTo = sameBoot && maxFrame > 0 && !scan.truncated ?
            (int)Math.min(end, (long)offset + maxFrame) : end;
        int lastNonZero = -1;
        int i = offset;
        for (; i + Long.BYTES <= clearTo; i += Long.BYTES)
        {
            if (buffer.getLong(i) != 0)
            {
                if (!planOnly)
                {
                    buffer.putLong(i, 0);
                }
                lastNonZero = i + Long.BYTES;
            }
        }
        for (; i < clearTo; i++)
        {
            if (buffer.getByte(i) != 0)
            {
                if (!planOnly)
                {
                    buffer.putByte(i, (byte)0);
                }
                lastNonZero = i + 1;
            }
        }
        long bytes = 0;
        if (lastNonZero > 0)
        {
            bytes = lastNonZero - offset;
            scan.segmentChanged = true;
        }
        if (scan.truncated)
        {
            // durable bytes that were cut off with the file's end
            final long cutFrom = scan.base + Math.max(offset, scan.limit);
            bytes += Math.max(0, Math.min(durable, scan.base + segmentLength) - cutFrom);
        }
        dropped.bytes(bytes);
        return bytes;
    }

    /**
     * Give a truncated segment file its full length again, zeros after the frames kept, so the writer continues in
     * it.
     */
    private void restoreLength(final Scan scan)
    {
        if (!planOnly)
        {
            directory.extend(JournalDirectoryLayout.segmentFileName(scan.base), segmentLength);
            scan.segmentChanged = true;
        }
    }

    /**
     * After durable records were lost, start the journal again above every sequence they had: seal the kept tail
     * segment with a padding frame and start the next segment with the first sequence after the gap, so the gap
     * lies at a segment boundary, where the repair log names it.
     */
    private RecoveredTail startAfterGap(final RecoveredTail end, final long nextSequence)
    {
        long newBase = end.basePosition();
        if (end.segmentStarted())
        {
            sealWithPadding(end);
            newBase = end.basePosition() + segmentLength;
        }
        final String name = JournalDirectoryLayout.segmentFileName(newBase);
        if (preparedNextBase == newBase)
        {
            preparedNextBase = -1;
        }
        else
        {
            directory.delete(JournalDirectoryLayout.indexFileName(newBase));
            directory.delete(name);
            directory.allocate(name, segmentLength);
        }
        deletedAny = true;
        final Path path = directory.resolve(name);
        try (MappedFile file = MappedFile.map(path, segmentLength, false))
        {
            final java.time.Instant now = java.time.Instant.now();
            SegmentDescriptor.writeHeader(file.buffer(), segmentLength, newBase, nextSequence,
                now.getEpochSecond() * 1_000_000_000L + now.getNano(), journalId, 0);
            file.force(0, FIRST_FRAME, null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start the segment after a repair's gap: file=" + path, ex);
        }
        final Scan scan = openScan(newBase);
        scan.startFresh(nextSequence);
        scan.clearUnscannedEntries();
        return new RecoveredTail(newBase, FIRST_FRAME, true, 0, 0, nextSequence, end.lastTimestamp());
    }

    private void sealWithPadding(final RecoveredTail end)
    {
        final int remaining = segmentLength - end.offset();
        if (remaining < HEADER_LENGTH)
        {
            return;
        }
        final Path path = segmentPath(end.basePosition());
        try (MappedFile file = MappedFile.map(path, segmentLength, false))
        {
            final long frameAddress = file.address() + end.offset();
            FrameWriter.writeHeader(frameAddress, end.nextSequence(), end.lastTimestamp(), FrameDescriptor.PADDING_TYPE,
                0, 0, 0);
            FrameWriter.commit(frameAddress, file.checksumView(), end.offset(), remaining, HEADER_LENGTH,
                new FrameChecksum());
            file.force(end.offset(), end.offset() + HEADER_LENGTH, null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot seal the segment before a repair's gap: file=" + path, ex);
        }
    }

    /**
     * The last writer allocated and zeroed the segment after its tail before it needed it. On the same boot that
     * work survived in the page cache, and a segment that never held a frame is kept for the next writer instead of
     * being deleted and allocated again (a 64 MiB zero-fill that would compete with the first appends).
     */
    private void keepPreparedOrDeleteFrom(final int next)
    {
        if (sameBoot && next == bases.length - 1 && isPreparedAhead(bases[next]))
        {
            preparedNextBase = bases[next];
            bases = Arrays.copyOf(bases, next);
            return;
        }
        deleteFrom(next);
    }

    private boolean isPreparedAhead(final long base)
    {
        final Path path = segmentPath(base);
        try
        {
            if (Files.size(path) != segmentLength)
            {
                return false;
            }
            try (MappedFile file = MappedFile.map(path, PAGE_SIZE, true))
            {
                return SegmentDescriptor.magicVolatile(file.buffer()) == 0 && isZero(file.buffer(), 0, PAGE_SIZE);
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private void deleteFrom(final int firstSegment)
    {
        for (int i = bases.length - 1; i >= firstSegment; i--)
        {
            final long base = bases[i];
            final boolean heldData = countDeletedSegment(base);
            final String segmentName = JournalDirectoryLayout.segmentFileName(base);
            if (planOnly)
            {
                if (heldData)
                {
                    deleted.add(segmentName);
                }
                continue;
            }
            directory.delete(JournalDirectoryLayout.indexFileName(base));
            if (directory.delete(segmentName))
            {
                deletedAny = true;
                if (heldData)
                {
                    deleted.add(segmentName);
                }
            }
        }
        bases = Arrays.copyOf(bases, Math.min(firstSegment, bases.length));
    }

    /**
     * Count what a segment about to be deleted held: its records through the {@link FrameReader}, the sequences its
     * header says were handed out before it, and its bytes up to the last non-zero one.
     *
     * @return false for a segment allocated ahead of the writer that never held a frame.
     */
    private boolean countDeletedSegment(final long base)
    {
        final Path path = segmentPath(base);
        try (SegmentFrames segment = new SegmentFrames(directory.path(), segmentLength, journalId, true, false)
            .acceptTruncated(true))
        {
            final int status = segment.open(base);
            if (status == SegmentFrames.MISSING)
            {
                return false;
            }
            if (status != SegmentFrames.OPENED)
            {
                final long size = Files.size(path);
                if (status == SegmentFrames.NOT_STARTED && size >= PAGE_SIZE)
                {
                    try (MappedFile file = MappedFile.map(path, PAGE_SIZE, true))
                    {
                        if (isZero(file.buffer(), 0, PAGE_SIZE))
                        {
                            return false;
                        }
                    }
                }
                if (base + FIRST_FRAME < durable)
                {
                    dropped.unreadableBelowDurable(base);
                }
                dropped.bytes(size);
                return size > 0;
            }
            // the records before this segment were handed out, whether or not recovery could read them
            dropped.segmentStartsAt(base, segment.baseSequence());
            final FrameReader frames = segment.frames();
            int result;
            while ((result = frames.next()) == FrameReader.RECORD)
            {
                dropped.record(frames.sequence());
                frames.advance();
            }
            if ((result == FrameReader.DAMAGED || segment.isTruncated()) && base + frames.offset() < durable)
            {
                dropped.unreadableBelowDurable(base + frames.offset());
            }
            final UnsafeBuffer buffer = segment.file().buffer();
            int lastNonZero = 0;
            for (int i = 0; i + Long.BYTES <= segment.limit(); i += Long.BYTES)
            {
                if (buffer.getLong(i) != 0)
                {
                    lastNonZero = i + Long.BYTES;
                }
            }
            dropped.bytes(lastNonZero);
            return true;
        }
        catch (final IOException ex)
        {
            // it is being deleted; what it held is counted as well as it can be
            dropped.unreadableBelowDurable(base);
            return true;
        }
    }

    private static boolean isZero(final UnsafeBuffer buffer, final int from, final int to)
    {
        for (int i = from; i < to; i += Long.BYTES)
        {
            if (buffer.getLong(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private Path segmentPath(final long base)
    {
        return directory.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    private Scan openScan(final long base)
    {
        final Scan scan = new Scan(base);
        touched.add(scan);
        return scan;
    }

    /**
     * A segment opened through {@link SegmentFrames} (read-write, unless only planning) and its index, rebuilt as
     * the {@link FrameReader} passes frames.
     */
    private final class Scan implements AutoCloseable
    {
        private final long base;
        private final Path path;
        private final SegmentFrames frames;
        private final int status;
        private UnsafeBuffer buffer;
        private int limit;
        private boolean compacted;
        private boolean truncated;
        private MappedFile indexFile;
        private int interval;
        private int capacity;
        private int entries;
        private int nextIndexOffset;
        /** Recovery changed bytes of the segment (cleared a torn tail, restored its length). */
        private boolean segmentChanged;
        /** Recovery changed bytes of the index (created it, rewrote or cleared entries). */
        private boolean indexChanged;

        private Scan(final long base)
        {
            this.base = base;
            this.frames = new SegmentFrames(directory.path(), segmentLength, journalId, true, !planOnly)
                .acceptTruncated(true);
            this.status = frames.open(base);
            this.path = frames.path();
            if (status == SegmentFrames.OPENED)
            {
                buffer = frames.file().buffer();
                limit = frames.limit();
                compacted = frames.isCompacted();
                truncated = frames.isTruncated();
            }
        }

        /**
         * Fill the page tables of the part of the segment the scan will read, where that takes one call
         * ({@link PageTables#populateRead}); elsewhere each page faults as the scan reaches it. The part ends where
         * the last writer said it had written to (its position counter, only a hint: the scan reads what it must
         * either way), so the zeros after the end of the log are not populated for nothing.
         */
        private void populate(final int fromOffset)
        {
            if (buffer != null)
            {
                final int from = fromOffset & -PAGE_SIZE;
                final long written = Math.min(Math.max(writerPositionHint - base, from), limit);
                if (written > from)
                {
                    PageTables.populateRead(buffer.addressOffset() + from, written - from);
                }
            }
        }

        private String headerProblem()
        {
            switch (status)
            {
                case SegmentFrames.OPENED:
                    return null;
                case SegmentFrames.NOT_STARTED:
                    return "segment never started: header is zero";
                case SegmentFrames.MISSING:
                    return "segment file missing";
                default:
                    return frames.problem();
            }
        }

        private String truncation()
        {
            return "segment file truncated: length=" + limit + " expected=" + segmentLength;
        }

        /**
         * Position the reader at the last index entry at or below a limit that checks out against its frame, or at
         * the first frame, and clear the entries after it, which the scan rebuilds.
         */
        private FrameReader startAtIndex(final int limitOffset)
        {
            final FrameReader reader = frames.frames();
            if (!openIndex())
            {
                return reader.position(FIRST_FRAME, frames.baseSequence(), Long.MIN_VALUE);
            }
            int entry = lastEntryAtOrBelow(limitOffset);
            // walking back, an entry out of order (damage) may point past the limit: starting there would leave the
            // frames from the limit to it unread, and a full scan would then call them durable
            while (entry >= 0 && (IndexDescriptor.frameOffsetVolatile(indexFile.buffer(), entry) > limitOffset ||
                !entryMatchesFrame(entry)))
            {
                entry--;
            }
            if (entry < 0)
            {
                rebuildEntriesFrom(0);
                return reader.position(FIRST_FRAME, frames.baseSequence(), Long.MIN_VALUE);
            }
            final int frameOffset = IndexDescriptor.frameOffsetVolatile(indexFile.buffer(), entry);
            final long startSequence = IndexDescriptor.sequence(indexFile.buffer(), entry);
            // the entry before bounds the previous frame's timestamp only if it checks out too: a damaged entry's
            // timestamp would fail the first frame scanned and truncate good records
            final long startTimestamp = entry > 0 && entryMatchesFrame(entry - 1) ?
                IndexDescriptor.timestamp(indexFile.buffer(), entry - 1) : Long.MIN_VALUE;
            rebuildEntriesFrom(entry);
            return reader.position(frameOffset, startSequence, startTimestamp);
        }

        /**
         * The last entry at or below a limit, found by binary search: the writer adds entries in ascending frame
         * order and clears them from the end, so they rise and then are zero. A damaged entry can mislead the search
         * only to an entry that then fails {@link #entryMatchesFrame(int)}, or to one that points at a real frame
         * below the limit, from which the scan is as good.
         *
         * @return the entry, or -1 when none.
         */
        private int lastEntryAtOrBelow(final int limitOffset)
        {
            final UnsafeBuffer index = indexFile.buffer();
            int low = 0;
            int high = capacity - 1;
            int found = -1;
            while (low <= high)
            {
                final int middle = (low + high) >>> 1;
                final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, middle);
                if (frameOffset != 0 && frameOffset <= limitOffset)
                {
                    found = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
            return found;
        }

        /**
         * An index entry is a hint: it must point at a frame start that carries its sequence and timestamp. The
         * frame itself is then judged by the {@link FrameReader}.
         */
        private boolean entryMatchesFrame(final int entry)
        {
            final UnsafeBuffer index = indexFile.buffer();
            final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, entry);
            return frameOffset >= FIRST_FRAME && frameOffset <= limit - HEADER_LENGTH &&
                (frameOffset & (FrameDescriptor.FRAME_ALIGNMENT - 1)) == 0 &&
                buffer.getInt(frameOffset) >= HEADER_LENGTH &&
                FrameDescriptor.sequence(buffer, frameOffset) == IndexDescriptor.sequence(index, entry) &&
                FrameDescriptor.timestamp(buffer, frameOffset) == IndexDescriptor.timestamp(index, entry) &&
                (entry == 0 ? frameOffset == FIRST_FRAME :
                    IndexDescriptor.frameOffsetVolatile(index, entry - 1) < frameOffset);
        }

        private void startFresh(final long baseSequence)
        {
            frames.frames().position(FIRST_FRAME, baseSequence, Long.MIN_VALUE);
            if (openIndex())
            {
                rebuildEntriesFrom(0);
            }
        }

        /**
         * The scan rebuilds the entries from one on: {@link #indexFrame} rewrites each that does not match its frame
         * and {@link #clearUnscannedEntries()} clears what is left after the last, once the scan of this segment is
         * over. Entries the scan finds right are left alone, so a scan over an intact index writes nothing.
         */
        private void rebuildEntriesFrom(final int entry)
        {
            entries = entry;
            nextIndexOffset = 0;
        }

        /**
         * Clear the entries after the last one the scan rebuilt: they point at frames that are gone, or were never
         * written.
         */
        private void clearUnscannedEntries()
        {
            if (indexFile == null || planOnly)
            {
                return;
            }
            final UnsafeBuffer index = indexFile.buffer();
            for (int i = entries; i < capacity; i++)
            {
                final int offset = IndexDescriptor.entryOffset(i);
                if (index.getLong(offset) != 0 || index.getLong(offset + 8) != 0 || index.getLong(offset + 16) != 0)
                {
                    index.setMemory(offset, IndexDescriptor.ENTRY_LENGTH, (byte)0);
                    indexChanged = true;
                }
            }
        }

        private void indexFrame(final int frameOffset, final long sequence, final long timestamp)
        {
            if (indexFile != null && !planOnly && frameOffset >= nextIndexOffset && entries < capacity)
            {
                final UnsafeBuffer index = indexFile.buffer();
                if (IndexDescriptor.frameOffsetVolatile(index, entries) != frameOffset ||
                    IndexDescriptor.sequence(index, entries) != sequence ||
                    IndexDescriptor.timestamp(index, entries) != timestamp)
                {
                    IndexDescriptor.putEntry(index, entries, sequence, timestamp, frameOffset);
                    indexChanged = true;
                }
                entries++;
                nextIndexOffset = (frameOffset & -interval) + interval;
            }
        }

        /**
         * Map the segment's index, recreating it when missing or damaged; when only planning, map a valid one
         * read-only and never create one.
         *
         * @return true when there is an index to use.
         */
        private boolean openIndex()
        {
            if (indexFile != null)
            {
                return true;
            }
            final String name = JournalDirectoryLayout.indexFileName(base);
            final Path indexPath = directory.resolve(name);
            try
            {
                if (Files.exists(indexPath))
                {
                    final long size = Files.size(indexPath);
                    if (size >= IndexDescriptor.HEADER_LENGTH)
                    {
                        final MappedFile candidate = MappedFile.map(indexPath, (int)Math.min(size, Integer.MAX_VALUE),
                            planOnly);
                        final UnsafeBuffer index = candidate.buffer();
                        if (IndexDescriptor.isHeaderValid(index, base, journalId) &&
                            size >= IndexDescriptor.fileLength(segmentLength, IndexDescriptor.interval(index)))
                        {
                            useIndex(candidate, IndexDescriptor.interval(index));
                            return true;
                        }
                        candidate.close();
                    }
                    if (planOnly)
                    {
                        return false;
                    }
                    directory.delete(name);
                }
                if (planOnly)
                {
                    return false;
                }
                directory.allocate(name, IndexDescriptor.fileLength(segmentLength, indexInterval));
                final MappedFile created = MappedFile.map(
                    indexPath, IndexDescriptor.fileLength(segmentLength, indexInterval), false);
                IndexDescriptor.writeHeader(created.buffer(), base, journalId, indexInterval);
                useIndex(created, indexInterval);
                indexChanged = true;
                return true;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot open index for recovery: file=" + indexPath, ex);
            }
        }

        private void useIndex(final MappedFile index, final int indexInterval)
        {
            indexFile = index;
            interval = indexInterval;
            capacity = IndexDescriptor.capacity(segmentLength, indexInterval);
        }

        /**
         * Force what recovery changed, and the frames of the segment that become durable now.
         *
         * @param from position from which frames become durable.
         * @param to   position up to which they do; from for none.
         */
        private void force(final long from, final long to)
        {
            final boolean newlyDurable = from < to && base + limit > from && base < to;
            if (frames.file() != null && (segmentChanged || newlyDurable))
            {
                frames.file().force(0, limit, null);
            }
            // the index is a hint checked against the frames, but readers seek with it: it is forced with its frames
            if (indexFile != null && (indexChanged || newlyDurable))
            {
                indexFile.force(0, indexFile.length(), null);
            }
        }

        public void close()
        {
            frames.close();
            if (indexFile != null)
            {
                indexFile.close();
                indexFile = null;
            }
        }
    }
}
