package io.varve.journal.recovery;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameValidator;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentHeaderReader;
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
 * no unsynced tail. It rebuilds the index entries of the segments it scans.
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
    private static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;
    private static final int PAGE_SIZE = 4096;
    private static final String REPAIR_ADVICE =
        "run 'varve verify' to see the damage, restore from a backup, or open with RecoveryMode.TRUNCATE_CORRUPTION " +
        "to truncate the journal there";

    private final JournalDirectory directory;
    private final MetadataFile metadata;
    private final RecoveryMode mode;
    private final Set<String> allowedNames;
    private final int segmentLength;
    private final long journalId;
    private final int indexInterval;
    private final FrameValidator validator = new FrameValidator();
    private final List<String> deleted = new ArrayList<>();
    private final List<Scan> touched = new ArrayList<>();

    private long[] bases;
    private long durable;
    private boolean corruptionRepaired;
    private boolean deletedAny;
    private final boolean sameBoot;
    private final boolean fullScan;
    private boolean tailOnly;
    private long scannedBytes;
    private long preparedNextBase = -1;
    private long droppedRecords;
    private long droppedBytes;
    private Path truncatedFile;
    private long truncatedOffset = -1;
    private String reason;

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
        this.fullScan = fullScan;
        this.directory = directory;
        this.metadata = metadata;
        this.mode = mode;
        this.allowedNames = allowedNames;
        this.segmentLength = metadata.segmentLength();
        this.journalId = metadata.journalId();
        this.indexInterval = indexInterval;
        this.sameBoot = metadata.writerRanOnThisBoot();
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
     * @param durablePosition  the durable position after recovery.
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
            final RecoveredTail tail = findEnd();
            // Reading only the tail on the writer's own boot leaves the durable position where the last force put
            // it (the segments before were written, perhaps never forced, and not read): nothing needs forcing for
            // it, and the next sync forces everything from there, what recovery changed included. A repair below the
            // durable position moves it down to what was kept, which must then be on storage.
            final boolean forceKept = !tailOnly || corruptionRepaired;
            if (forceKept)
            {
                for (final Scan scan : touched)
                {
                    scan.force();
                }
            }
            if (deletedAny)
            {
                directory.fsync();
            }
            final long durableAfter = forceKept ? tail.position() : Math.min(durable, tail.position());
            metadata.storeDurablePosition(durableAfter, null);
            final RecoveryReport report = new RecoveryReport(durableBefore, tail.position(), tail.nextSequence(),
                droppedRecords, droppedBytes, truncatedFile, truncatedOffset, reason, corruptionRepaired,
                List.copyOf(deleted), scannedBytes, System.nanoTime() - start);
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
        for (final long base : bases)
        {
            if (base % segmentLength != 0)
            {
                throw new JournalCorruptionException(segmentPath(base), -1,
                    "foreign segment: name is not a multiple of the segment length: segmentLength=" + segmentLength,
                    "move it out of the journal directory");
            }
        }
        deleteOrphanIndexes(listing.indexBases());
        final long recorded;
        if (metadata.hasValidDurableSlot())
        {
            recorded = metadata.durablePositionFromSlots();
        }
        else if (mode == RecoveryMode.TRUNCATE_CORRUPTION)
        {
            recorded = bases.length == 0 ? FIRST_FRAME : bases[0] + FIRST_FRAME;
            corruptionRepaired = true;
        }
        else
        {
            return metadata.durablePositionFromSlots();
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
        final int tailSegment = fullScan || !sameBoot ? -1 : lastStartedSegment(segment);
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
                deleteFrom(segment);
                return new RecoveredTail(bases[segment], FIRST_FRAME, false, 0, 0, metadataFirstSequence(), 0);
            }
            corruption(scan.path, 0, problem);
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
            corruption(directory.path(), -1, "no segment files but the durable position is " + durable);
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
                corruption(segmentPath(gapBase), -1, "segment file missing below the durable position: " +
                    "durablePosition=" + durable);
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
        for (int i = from; i < bases.length; i++)
        {
            final Path path = segmentPath(bases[i]);
            final UnsafeBuffer header;
            final long size;
            try
            {
                size = Files.size(path);
                header = SegmentHeaderReader.read(path);
            }
            catch (final IOException ex)
            {
                return -1;
            }
            if (header == null || header.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0)
            {
                // the segment being prepared ahead of the writer, or prepared: never started, and only the last
                // file may be one; the scan decides whether to keep it
                return i == bases.length - 1 ? last : -1;
            }
            if (size != segmentLength)
            {
                return -1;
            }
            final long baseSequence = SegmentDescriptor.baseSequence(header);
            if (SegmentDescriptor.validateHeader(header, segmentLength, bases[i], journalId) != null ||
                SegmentDescriptor.isCompacted(header) ||
                baseSequence < previousBaseSequence ||
                !Files.exists(directory.resolve(JournalDirectoryLayout.indexFileName(bases[i]))))
            {
                return -1;
            }
            previousBaseSequence = baseSequence;
            last = i;
        }
        return last;
    }

    private int startSegment()
    {
        final int last = bases.length - 1;
        final long durableBase = durable & -(long)segmentLength;
        if (durableBase < bases[0])
        {
            corruption(segmentPath(durableBase), -1, "segment holding the durable position was deleted: " +
                "durablePosition=" + durable + " firstSegment=" + bases[0]);
            durable = bases[0] + FIRST_FRAME;
        }
        else if (durableBase > bases[last] &&
            !(durableBase == bases[last] + segmentLength && durable == durableBase + FIRST_FRAME))
        {
            corruption(segmentPath(durableBase), -1, "segment holding the durable position is missing: " +
                "durablePosition=" + durable);
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
        final int limit = tailOnly ? scan.limit : (int)Math.min(Math.max(durable - scan.base, FIRST_FRAME), scan.limit);
        int offset = scan.startAtIndex(limit);
        long expectedSequence = scan.startSequence;
        long lastTimestamp = scan.startTimestamp;
        while (true)
        {
            final long position = scan.base + offset;
            if (offset > scan.limit - HEADER_LENGTH)
            {
                final Transition next = transition(segment, expectedSequence, scan.compacted);
                if (next.scan == null)
                {
                    return endBeforeSegment(segment + 1, expectedSequence, lastTimestamp);
                }
                segment++;
                scan = next.scan;
                offset = FIRST_FRAME;
                continue;
            }
            final int frameLength = scan.segment.getIntVolatile(offset);
            String problem = null;
            if (frameLength == 0 && scan.compacted)
            {
                // a compacted segment holds only its kept frames; the journal goes on in the next segment
                offset = scan.limit;
                continue;
            }
            if (frameLength == 0)
            {
                if (position >= durable)
                {
                    return endAt(segment, scan, offset, expectedSequence, lastTimestamp, null);
                }
                problem = "frame length is zero below the durable position: durablePosition=" + durable;
            }
            else
            {
                problem = validator.validate(scan.segment, scan.file.checksumView(), offset, frameLength,
                    scan.limit, expectedSequence, lastTimestamp, true, scan.compacted);
                if (problem == null && position < durable && position + FrameDescriptor.alignedLength(frameLength) >
                    durable)
                {
                    problem = "durable position is not a frame boundary: durablePosition=" + durable;
                }
            }
            if (problem != null)
            {
                if (position < durable)
                {
                    corruption(scan.path, offset, problem);
                }
                return endAt(segment, scan, offset, expectedSequence, lastTimestamp, problem);
            }
            final int aligned = FrameDescriptor.alignedLength(frameLength);
            scannedBytes += aligned;
            if (FrameDescriptor.type(scan.segment, offset) == FrameDescriptor.PADDING_TYPE)
            {
                offset = scan.limit;
                continue;
            }
            lastTimestamp = FrameDescriptor.timestamp(scan.segment, offset);
            final long sequence = FrameDescriptor.sequence(scan.segment, offset);
            scan.indexFrame(offset, sequence, lastTimestamp);
            expectedSequence = sequence + 1;
            offset += aligned;
        }
    }

    private record Transition(Scan scan)
    {
    }

    private Transition transition(final int segment, final long expectedSequence, final boolean afterCompacted)
    {
        final int next = segment + 1;
        if (next >= bases.length)
        {
            return new Transition(null);
        }
        final long nextBase = bases[next];
        final Scan scan = openScan(nextBase);
        String problem = scan.headerProblem();
        final long baseSequence = problem == null ? SegmentDescriptor.baseSequence(scan.segment) : 0;
        if (problem == null && (afterCompacted ? baseSequence < expectedSequence : baseSequence != expectedSequence))
        {
            problem = "segment base sequence: expected=" + expectedSequence + " found=" + baseSequence;
        }
        if (problem == null)
        {
            scan.startFresh(baseSequence);
            return new Transition(scan);
        }
        if (nextBase + FIRST_FRAME < durable)
        {
            corruption(scan.path, 0, problem);
        }
        // a file too short to map has no mapping to read the magic from: it held frames if its header was started
        if (scan.segment == null ? SegmentHeaderReader.baseSequence(scan.path) >= 0 :
            SegmentDescriptor.magicVolatile(scan.segment) != 0)
        {
            recordTruncation(scan.path, 0, problem);
        }
        return new Transition(null);
    }

    private RecoveredTail endAt(
        final int segment,
        final Scan scan,
        final int offset,
        final long nextSequence,
        final long lastTimestamp,
        final String problem)
    {
        dropTail(scan, offset);
        if (problem != null || droppedBytes > 0)
        {
            recordTruncation(scan.path, offset, problem == null ? "non-zero bytes after the end of the log" : problem);
        }
        keepPreparedOrDeleteFrom(segment + 1);
        return new RecoveredTail(
            scan.base, offset, true, scan.entries, scan.nextIndexOffset, nextSequence, lastTimestamp);
    }

    private RecoveredTail endBeforeSegment(final int segment, final long nextSequence, final long lastTimestamp)
    {
        final long base = bases[segment - 1] + segmentLength;
        deleteFrom(segment);
        return new RecoveredTail(base, FIRST_FRAME, false, 0, 0, nextSequence, lastTimestamp);
    }

    private void recordTruncation(final Path file, final long offset, final String problem)
    {
        if (truncatedFile == null)
        {
            truncatedFile = file;
            truncatedOffset = offset;
            reason = problem;
        }
    }

    private void corruption(final Path file, final long offset, final String problem)
    {
        if (mode == RecoveryMode.STRICT)
        {
            throw new JournalCorruptionException(file, offset, problem, REPAIR_ADVICE);
        }
        corruptionRepaired = true;
    }

    private void dropTail(final Scan scan, final int offset)
    {
        final UnsafeBuffer buffer = scan.segment;
        final int end = scan.limit;
        int walk = offset;
        while (walk <= end - HEADER_LENGTH)
        {
            final int length = buffer.getInt(walk);
            if (length < HEADER_LENGTH || FrameDescriptor.alignedLength(length) > end - walk)
            {
                break;
            }
            if (FrameDescriptor.type(buffer, walk) != FrameDescriptor.PADDING_TYPE)
            {
                droppedRecords++;
            }
            walk += FrameDescriptor.alignedLength(length);
        }
        // On the writer's own boot the page cache survived: beyond the last committed frame there can be at most one
        // partly written frame, so clearing a maximum frame's length is enough. After a reboot anything may be there.
        final int maxFrame = metadata.writerMaxFrameLength();
        final int clearTo = sameBoot && maxFrame > 0 ? (int)Math.min(end, (long)offset + maxFrame) : end;
        int lastNonZero = -1;
        for (int i = offset; i < clearTo; i += Long.BYTES)
        {
            if (buffer.getLong(i) != 0)
            {
                buffer.putLong(i, 0);
                lastNonZero = i + Long.BYTES;
            }
        }
        if (lastNonZero > 0)
        {
            droppedBytes += lastNonZero - offset;
            scan.dirty = true;
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
     * Count what a segment about to be deleted held.
     *
     * @return false for a segment allocated ahead of the writer that never held a frame.
     */
    private boolean countDeletedSegment(final long base)
    {
        final Path path = segmentPath(base);
        try
        {
            if (Files.size(path) < segmentLength)
            {
                droppedBytes += Files.size(path);
                return Files.size(path) > 0;
            }
            try (MappedFile file = MappedFile.map(path, segmentLength, true))
            {
                final UnsafeBuffer buffer = file.buffer();
                if (SegmentDescriptor.magicVolatile(buffer) == 0 && isZero(buffer, 0, PAGE_SIZE))
                {
                    return false;
                }
                int walk = FIRST_FRAME;
                while (walk <= segmentLength - HEADER_LENGTH)
                {
                    final int length = buffer.getInt(walk);
                    if (length < HEADER_LENGTH || FrameDescriptor.alignedLength(length) > segmentLength - walk)
                    {
                        break;
                    }
                    if (FrameDescriptor.type(buffer, walk) != FrameDescriptor.PADDING_TYPE)
                    {
                        droppedRecords++;
                    }
                    walk += FrameDescriptor.alignedLength(length);
                }
                int lastNonZero = 0;
                for (int i = 0; i < segmentLength; i += Long.BYTES)
                {
                    if (buffer.getLong(i) != 0)
                    {
                        lastNonZero = i + Long.BYTES;
                    }
                }
                droppedBytes += lastNonZero;
                return true;
            }
        }
        catch (final IOException ex)
        {
            // it is being deleted; what it held is counted as well as it can be
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
        final Scan scan = new Scan(base, segmentPath(base));
        touched.add(scan);
        return scan;
    }

    /**
     * A segment and its index mapped for scanning, with the index being rebuilt as frames are validated.
     */
    private final class Scan implements AutoCloseable
    {
        private final long base;
        private final Path path;
        private MappedFile file;
        private UnsafeBuffer segment;
        private String sizeProblem;
        private int limit;
        private boolean compacted;
        private MappedFile indexFile;
        private int interval;
        private int capacity;
        private int entries;
        private int nextIndexOffset;
        private long startSequence;
        private long startTimestamp;
        private boolean dirty;

        private Scan(final long base, final Path path)
        {
            this.base = base;
            this.path = path;
            try
            {
                final long size = Files.size(path);
                final UnsafeBuffer header = SegmentHeaderReader.read(path);
                compacted = header != null && SegmentDescriptor.isCompacted(header);
                if (size < segmentLength && !compacted)
                {
                    sizeProblem = "segment file truncated: length=" + size + " expected=" + segmentLength;
                    return;
                }
                // a compacted segment holds only its kept frames, rounded up to a page
                limit = (int)Math.min(size, segmentLength);
                file = MappedFile.map(path, limit, false);
                segment = file.buffer();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot map segment for recovery: file=" + path, ex);
            }
        }

        private String headerProblem()
        {
            if (sizeProblem != null)
            {
                return sizeProblem;
            }
            if (SegmentDescriptor.magicVolatile(segment) == 0)
            {
                return "segment never started: header is zero";
            }
            return SegmentDescriptor.validateHeader(segment, segmentLength, base, journalId);
        }

        private int startAtIndex(final int limitOffset)
        {
            openIndex();
            int entry = -1;
            for (int i = 0; i < capacity; i++)
            {
                final int frameOffset = IndexDescriptor.frameOffsetVolatile(indexFile.buffer(), i);
                if (frameOffset == 0 || frameOffset > limitOffset)
                {
                    break;
                }
                entry = i;
            }
            while (entry >= 0 && !entryMatchesFrame(entry))
            {
                entry--;
            }
            if (entry < 0)
            {
                startFresh(SegmentDescriptor.baseSequence(segment));
                return FIRST_FRAME;
            }
            final int frameOffset = IndexDescriptor.frameOffsetVolatile(indexFile.buffer(), entry);
            startSequence = IndexDescriptor.sequence(indexFile.buffer(), entry);
            // the entry before bounds the previous frame's timestamp only if it checks out too: a damaged entry's
            // timestamp would fail the first frame scanned and truncate good records
            startTimestamp = entry > 0 && entryMatchesFrame(entry - 1) ?
                IndexDescriptor.timestamp(indexFile.buffer(), entry - 1) : 0;
            clearEntriesFrom(entry);
            return frameOffset;
        }

        private boolean entryMatchesFrame(final int entry)
        {
            final UnsafeBuffer index = indexFile.buffer();
            final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, entry);
            return frameOffset >= FIRST_FRAME && frameOffset <= limit - HEADER_LENGTH &&
                (frameOffset & (FrameDescriptor.FRAME_ALIGNMENT - 1)) == 0 &&
                segment.getInt(frameOffset) >= HEADER_LENGTH &&
                FrameDescriptor.sequence(segment, frameOffset) == IndexDescriptor.sequence(index, entry) &&
                FrameDescriptor.timestamp(segment, frameOffset) == IndexDescriptor.timestamp(index, entry) &&
                (entry == 0 ? frameOffset == FIRST_FRAME :
                    IndexDescriptor.frameOffsetVolatile(index, entry - 1) < frameOffset);
        }

        private void startFresh(final long baseSequence)
        {
            openIndex();
            startSequence = baseSequence;
            startTimestamp = 0;
            clearEntriesFrom(0);
        }

        private void clearEntriesFrom(final int entry)
        {
            final UnsafeBuffer index = indexFile.buffer();
            for (int i = entry; i < capacity; i++)
            {
                final int offset = IndexDescriptor.entryOffset(i);
                if (index.getLong(offset) != 0 || index.getLong(offset + 8) != 0 || index.getLong(offset + 16) != 0)
                {
                    index.setMemory(offset, IndexDescriptor.ENTRY_LENGTH, (byte)0);
                }
            }
            entries = entry;
            nextIndexOffset = 0;
        }

        private void indexFrame(final int frameOffset, final long sequence, final long timestamp)
        {
            if (frameOffset >= nextIndexOffset && entries < capacity)
            {
                final UnsafeBuffer index = indexFile.buffer();
                if (IndexDescriptor.frameOffsetVolatile(index, entries) != frameOffset)
                {
                    IndexDescriptor.putEntry(index, entries, sequence, timestamp, frameOffset);
                }
                entries++;
                nextIndexOffset = (frameOffset & -interval) + interval;
            }
        }

        private void openIndex()
        {
            if (indexFile != null)
            {
                return;
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
                            false);
                        final UnsafeBuffer buffer = candidate.buffer();
                        if (IndexDescriptor.isHeaderValid(buffer, base, journalId) &&
                            size >= IndexDescriptor.fileLength(segmentLength, IndexDescriptor.interval(buffer)))
                        {
                            useIndex(candidate, IndexDescriptor.interval(buffer));
                            return;
                        }
                        candidate.close();
                    }
                    directory.delete(name);
                }
                directory.allocate(name, IndexDescriptor.fileLength(segmentLength, indexInterval));
                final MappedFile created = MappedFile.map(
                    indexPath, IndexDescriptor.fileLength(segmentLength, indexInterval), false);
                IndexDescriptor.writeHeader(created.buffer(), base, journalId, indexInterval);
                useIndex(created, indexInterval);
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
            dirty = true;
        }

        private void force()
        {
            if (file != null && dirty)
            {
                file.force(0, limit, null);
            }
            if (indexFile != null)
            {
                indexFile.force(0, indexFile.length(), null);
            }
        }

        public void close()
        {
            if (file != null)
            {
                file.close();
                file = null;
            }
            if (indexFile != null)
            {
                indexFile.close();
                indexFile = null;
            }
        }
    }
}
