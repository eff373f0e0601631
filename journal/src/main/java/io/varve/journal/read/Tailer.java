package io.varve.journal.read;

import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentFrames;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * Reads committed records straight from the mapped segments, in this process or another, with no allocation per
 * record. A record is visible as soon as the writer commits it (no flush or sync needed); a tailer never sees a
 * partly written frame, because it reads a frame's length with acquire semantics and the writer stores it last.
 * When the last writer to open the journal writes with positional writes ({@code WriteMode.POSITIONAL}, recorded in
 * the metadata), a length word proves nothing (a kernel copy does not order the bytes of one write): each poll then
 * reads the writer position counter once with acquire semantics and reads frames only below it (or below the durable
 * position in the metadata's durable slots, should a power loss have left the counter behind it), since that writer
 * stores the counter with a release store only after the write of every frame below it returned. A record is then
 * visible once its batch (or its direct append) was written, not while it is staged.
 * Every frame is read through a {@link FrameReader}, so a tailer applies the same frame rules as recovery and
 * {@code varve verify}; by default that includes each frame's CRC32C. A damaged frame, or a segment that is missing,
 * empty, truncated or never started while the journal goes on after it, is never stepped over: the tailer throws
 * {@link JournalCorruptionException} naming the file, the offset and the reason, and stays where it was.
 * <p>
 * A tailer follows segment rolls by itself, waits for a segment the writer has not started yet, and keeps going
 * across a restart of the writer. It seeks to the start, the end, a position, a sequence or a timestamp, in
 * O(log n) through the segment headers and the sparse index plus a scan of at most one index interval.
 * <p>
 * A <b>named</b> tailer persists its position in the metadata file after the handler returns for each record, and
 * resumes there when reopened, also after its process was killed: delivery is at-least-once, and the only record
 * delivered twice is the one whose handler was running (or had just returned) when the process died.
 * <p>
 * A tailer reads segments through mappings its {@link JournalReader} shares with the reader's other tailers: it
 * acquires a segment when it rolls to it or seeks into it and releases it when it moves on, and a live tailer maps
 * the writer's prepared next segment (and has its page tables populated) before the writer starts it.
 * <p>
 * Threading: NOT threadsafe; one thread polls a tailer. Tailers of one reader may be polled by different threads.
 */
public final class Tailer implements AutoCloseable
{
    /**
     * What to do about damage a tailer met, with the journal directory as its argument: the one place the advice
     * is worded.
     */
    static final String DAMAGE_ADVICE = "run 'varve verify %s' to see every damaged frame";

    private static final long SEGMENT_RETRY_NANOS = 100_000;
    /**
     * How often a waiting tailer looks at the files (the directory, the next segment's header) to tell a frame or
     * segment not written yet from a damaged one.
     */
    private static final long DAMAGE_CHECK_NANOS = 10_000_000;
    /**
     * How often a tailer that holds the writer's prepared next segment looks at its path: the magic appearing in the
     * mapping shows the roll at once, so the path is read only to notice a file re-created under the same name.
     */
    private static final long PREPARED_RETRY_NANOS = 1_000_000;
    /**
     * How often a live tailer past the middle of its segment looks for the writer's prepared next segment until it
     * has mapped it: each look reads the file's attributes, a few small objects, so not on every empty poll.
     */
    private static final long PREPARE_RETRY_NANOS = 1_000_000;

    private final JournalReader reader;
    private final SegmentCache segments;
    private final Path directory;
    private final int segmentLength;
    private final FrameReader frames;
    private final FrameReader seekFrames;
    private final TailerPosition persisted;
    private final boolean skipAheadWhenBehind;
    private final AtomicCounter firstPosition;
    private final AtomicCounter writerPosition;
    private final AtomicCounter durablePosition;
    private final MetadataFile metadata;
    private final UnsafeBuffer metadataHeader;
    private final ByteBuffer slotView;
    private final CRC32C slotChecksum = new CRC32C();

    private MappedSegment segment;
    /** The next segment's file, mapped (its first pages populated) before the tailer reads it; held from the cache. */
    private MappedSegment prepared;
    private UnsafeBuffer buffer;
    private long basePosition = -1;
    private boolean compacted;
    private long parkedSequence;
    private long nextSegmentCheck;
    private long nextDamageCheck;
    private long nextPrepareCheck;
    /**
     * Offset in the segment past which the next poll has the page tables of the next window populated, ahead of the
     * tailer. A seek sets it to 0, deferring its populate to the next poll, so a seek followed by another (a new
     * tailer starts at the first record and may seek to the end at once) populates nothing it will not read.
     */
    private int populateCheckAt = Integer.MAX_VALUE;
    private boolean closed;

    Tailer(
        final JournalReader reader,
        final boolean verifyChecksums,
        final TailerPosition persisted,
        final boolean skipAheadWhenBehind)
    {
        // the counters below are views of the metadata mapping: the reader keeps it mapped until this tailer closes
        reader.acquireMetadata();
        this.skipAheadWhenBehind = skipAheadWhenBehind;
        this.firstPosition = reader.metadata().counter(JournalCounter.FIRST_POSITION);
        this.writerPosition = reader.metadata().counter(JournalCounter.WRITER_POSITION);
        this.durablePosition = reader.metadata().counter(JournalCounter.DURABLE_POSITION);
        this.metadata = reader.metadata();
        this.metadataHeader = new UnsafeBuffer(metadata.buffer(), 0, MetadataDescriptor.HEADER_LENGTH);
        // a view for the slots' CRC32C without a copy; null only for a metadata buffer that is not a byte buffer
        this.slotView = metadataHeader.byteBuffer() != null ? metadataHeader.byteBuffer().duplicate() : null;
        this.reader = reader;
        this.segments = reader.segments();
        this.directory = reader.directory();
        this.segmentLength = reader.segmentLength();
        this.frames = new FrameReader(verifyChecksums);
        // seeks walk with their own reader, so a refused seek leaves the tailer where it was
        this.seekFrames = new FrameReader(verifyChecksums);
        this.persisted = persisted;
    }

    /**
     * Deliver up to {@code limit} committed records to the handler. A record counts as delivered once the handler
     * has returned: when it throws, the next poll delivers the same record again.
     *
     * @param handler receives each record; its buffer is the mapped segment.
     * @param limit   most records to deliver.
     * @return records delivered, 0 when there is nothing new.
     * @throws JournalCorruptionException when a committed frame is invalid, or a segment the journal goes on after
     *                                    is missing, empty, truncated or not started; the tailer does not move past
     *                                    it.
     */
    public int poll(final RecordHandler handler, final int limit)
    {
        if (closed)
        {
            throw new JournalClosedException("tailer of journal " + directory);
        }
        if (segment != null && frames.offset() >= populateCheckAt)
        {
            populateAhead(frames.offset());
        }
        if (segment == null && (!advanceSegment() || segment == null))
        {
            // parked before a segment not started yet: the reader is not wrapped over any mapping
            return 0;
        }
        try
        {
            return pollRecords(handler, limit);
        }
        catch (final InternalError ex)
        {
            // the JVM's word for SIGBUS in a read of a mapping: a file cut short under it
            throw cutShortUnderTheMapping(ex);
        }
    }

    private int pollRecords(final RecordHandler handler, final int limit)
    {
        final FrameReader frames = this.frames;
        final TailerPosition persisted = this.persisted;
        // Once per poll: a positional writer's bytes are trusted only below the counter it moves after each write.
        final boolean positional = metadata.writerIsPositional();
        long visible = positional ? writerPosition.getAcquire() : Long.MAX_VALUE;
        boolean durableChecked = false;
        int delivered = 0;
        while (delivered < limit)
        {
            if (basePosition + frames.offset() >= visible)
            {
                if (durableChecked)
                {
                    break;
                }
                // At the counter: the durable position (forced, in the header page) may be past a counter that a power
                // loss left stale; every frame below it was written and forced, whole.
                durableChecked = true;
                visible = Math.max(visible, durableFromSlots());
                continue;
            }
            final int result = frames.next();
            if (result == FrameReader.RECORD)
            {
                handler.onRecord(buffer, frames.offset() + HEADER_LENGTH, frames.payloadLength(), frames.sequence(),
                    frames.timestamp(), frames.type());
                frames.advance();
                delivered++;
                if (persisted != null)
                {
                    persisted.store(basePosition + frames.offset(), frames.nextSequence());
                }
            }
            else if (result == FrameReader.END_OF_SEGMENT)
            {
                if (segment.isTruncated())
                {
                    throw truncated();
                }
                // a checked padding frame, or the end of the frames: wait at the end for the next segment
                frames.position(frames.limit(), frames.nextSequence(), frames.lastTimestamp());
                if (!advanceSegment() || segment == null)
                {
                    break;
                }
            }
            else if (result == FrameReader.NOT_WRITTEN)
            {
                checkNotWritten();
                break;
            }
            else
            {
                if (!positional && metadata.writerIsPositional())
                {
                    // a positional writer opened during this poll and is writing where we read: the next poll reads
                    // only below its counter
                    break;
                }
                if (segment.isTruncated() && frames.frameLength() > frames.limit() - frames.offset())
                {
                    throw truncated();
                }
                throw corrupt(segment.path(), frames.offset(), frames.reason());
            }
        }
        if (persisted != null && delivered > 0)
        {
            persisted.touch(System.currentTimeMillis());
        }
        return delivered;
    }

    /**
     * A read of the mapping faulted: when the segment's file is now shorter than the mapping, name the file and
     * where the tailer stood; any other fault (the handler's own) is not ours to explain.
     */
    private RuntimeException cutShortUnderTheMapping(final InternalError fault)
    {
        final MappedSegment segment = this.segment;
        if (segment != null)
        {
            final java.nio.file.attribute.BasicFileAttributes now = SegmentCache.attributes(segment.path());
            if (now == null || now.size() < segment.mappedLength())
            {
                final JournalCorruptionException ex = corrupt(segment.path(), frames.offset(),
                    "segment file cut short while mapped: length=" + (now == null ? "deleted" : now.size()) +
                    " mapped=" + segment.mappedLength() + " (the reads past its end fault)");
                ex.addSuppressed(fault);
                return ex;
            }
        }
        throw fault;
    }

    private JournalCorruptionException truncated()
    {
        return corrupt(segment.path(), frames.offset(), "segment file truncated: length=" + frames.limit() +
            " expected=" + segmentLength + ": the frame at offset=" + frames.offset() + " ends beyond it");
    }

    /**
     * Nothing is committed at the cursor. That is the live edge, unless the writer has gone past: then a frame that
     * the durable position covers, or that sits in a segment the writer has rolled out of, was zeroed.
     */
    private void checkNotWritten()
    {
        final long position = basePosition + frames.offset();
        if (writerPosition.get() <= position || frames.next() != FrameReader.NOT_WRITTEN)
        {
            // the live edge, or committed while we looked (the writer commits a frame before it moves the counter)
            if (prepared == null && frames.offset() >= segmentLength >>> 1)
            {
                prepareNext();
            }
            return;
        }
        final long now = System.nanoTime();
        if (now - nextDamageCheck < 0)
        {
            return;
        }
        nextDamageCheck = now + DAMAGE_CHECK_NANOS;
        final long durable = durablePosition.get();
        final String why;
        if (MappedSegment.isStarted(segmentPath(basePosition + segmentLength)))
        {
            why = "the journal continues in " + JournalDirectoryLayout.segmentFileName(basePosition + segmentLength);
        }
        else if (durable > position)
        {
            why = "the durable position is past it: durablePosition=" + durable;
        }
        else
        {
            return;
        }
        // read again after the signal: the frame may have been committed while we looked
        if (frames.next() == FrameReader.NOT_WRITTEN)
        {
            throw corrupt(segment.path(), frames.offset(), "frame length is zero but " + why);
        }
    }

    static String advice(final Path directory)
    {
        return String.format(DAMAGE_ADVICE, directory);
    }

    private JournalCorruptionException corrupt(final Path file, final long offset, final String reason)
    {
        return new JournalCorruptionException(file, offset, reason, advice(directory));
    }

    private Path segmentPath(final long base)
    {
        return directory.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    private boolean advanceSegment()
    {
        final long nextBase = basePosition + segmentLength;
        final long now = System.nanoTime();
        final MappedSegment prepared = this.prepared;
        if (now - nextSegmentCheck < 0 &&
            (prepared == null || prepared.basePosition() != nextBase || !prepared.isHeaderStarted()))
        {
            // the prepared mapping shows the writer's roll the moment it sets the magic, without a system call
            return false;
        }
        final MappedSegment next = segments.acquireIfStarted(nextBase);
        if (next == null)
        {
            if (prepared != null && prepared.isHeaderStarted())
            {
                // started in the mapping but not at the path: that file is gone, so let go of it
                segments.release(prepared);
                this.prepared = null;
            }
            // not started yet: map it ahead if the writer has allocated it, and look again after a pause rather
            // than on every poll (a longer one when the prepared mapping will show the roll)
            prepareNext();
            nextSegmentCheck = now + (this.prepared != null ? PREPARED_RETRY_NANOS : SEGMENT_RETRY_NANOS);
            return checkNextSegment(nextBase, now);
        }
        final String gap = SegmentFrames.continues(
            directory, next.basePosition(), next.baseSequence(), next.isCompacted(), nextSequence(), compacted);
        if (gap != null)
        {
            segments.release(next);
            throw corrupt(segmentPath(nextBase), SegmentDescriptor.BASE_SEQUENCE_OFFSET,
                gap + " (replaced under the tailer?)");
        }
        // after a compacted segment the next one may start above: its header says where
        use(next);
        populateAhead(frames.offset());
        nextDamageCheck = 0;
        return true;
    }

    /**
     * Map and populate the segment after the current one if the writer has allocated it, at most every
     * {@link #PREPARE_RETRY_NANOS}, so the page faults of a live tailer's next segment are taken before it gets
     * there. Held until the tailer rolls into it or moves elsewhere.
     */
    private void prepareNext()
    {
        final long now = System.nanoTime();
        if (prepared != null || now - nextPrepareCheck < 0)
        {
            return;
        }
        nextPrepareCheck = now + PREPARE_RETRY_NANOS;
        prepared = segments.acquirePrepared(basePosition + segmentLength);
    }

    /**
     * The next segment is not there to read. Wait when the writer has not started it yet; fail when the journal
     * goes on after it (it was deleted, emptied, truncated or zeroed); follow retention when it deleted it.
     *
     * @return true when the tailer moved (skipped ahead past retention), false to wait.
     */
    private boolean checkNextSegment(final long missingBase, final long now)
    {
        final Path missing = segmentPath(missingBase);
        if (firstPosition.get() <= missingBase && Files.exists(missing))
        {
            checkNotStarted(missingBase, missing, now);
            return false;
        }
        final long[] bases = reader.startedSegmentBases();
        if (firstPosition.get() <= missingBase && Files.exists(missing))
        {
            // created while the directory was being listed: a listing may show the segment after it and not it
            return false;
        }
        if (Arrays.binarySearch(bases, missingBase) >= 0)
        {
            // started since we looked: the next poll picks it up
            return false;
        }
        if (bases.length == 0 || bases[bases.length - 1] <= missingBase)
        {
            // not written yet, unless the durable position says its records were written and made durable
            final long durable = durablePosition.get();
            if (durable > missingBase + SegmentDescriptor.HEADER_LENGTH && firstPosition.get() <= missingBase &&
                !Files.exists(missing))
            {
                throw corrupt(missing, -1, "segment file missing: the durable position is past its start: " +
                    "durablePosition=" + durable);
            }
            return false;
        }
        if (bases[0] > missingBase)
        {
            // retention deleted the journal's oldest segments while this tailer was still behind them
            if (skipAheadWhenBehind)
            {
                seekToStart();
                return true;
            }
            final long firstSequence = SegmentHeaderReader.baseSequence(segmentPath(bases[0]));
            throw new TailerBehindRetentionException(name(), nextSequence(), firstSequence,
                bases[0] + SegmentDescriptor.HEADER_LENGTH);
        }
        throw corrupt(missing, -1, "segment file deleted under the tailer: the journal continues after it, so its " +
            "records are gone");
    }

    /**
     * The next segment's file is there but cannot be read yet (empty, short, or its header still zeros). That is a
     * segment allocated ahead of the writer, or one being created, unless the writer has gone past it: the durable
     * position lies beyond its first frame, or a later segment has been started.
     */
    private void checkNotStarted(final long base, final Path file, final long now)
    {
        final long durable = durablePosition.get();
        final boolean durablePast = durable > base + SegmentDescriptor.HEADER_LENGTH;
        if (!durablePast)
        {
            if (now - nextDamageCheck < 0)
            {
                return;
            }
            nextDamageCheck = now + DAMAGE_CHECK_NANOS;
        }
        final long later = firstStartedAfter(base);
        if (later < 0 && !durablePast)
        {
            return;
        }
        final String why = later >= 0 ? "the journal continues in " + JournalDirectoryLayout.segmentFileName(later) :
            "the durable position is past its start: durablePosition=" + durable;
        // read again after the signal: the writer starts a segment before any after it
        if (!MappedSegment.isStarted(file))
        {
            throw notStarted(file, why);
        }
    }

    private long firstStartedAfter(final long base)
    {
        final long[] bases = reader.startedSegmentBases();
        for (final long started : bases)
        {
            if (started > base && MappedSegment.isStarted(segmentPath(started)))
            {
                return started;
            }
        }
        return -1;
    }

    private JournalCorruptionException notStarted(final Path file, final String why)
    {
        long size;
        try
        {
            size = Files.size(file);
        }
        catch (final IOException ex)
        {
            size = -1;
        }
        if (size < 0)
        {
            return corrupt(file, -1, "segment file missing but " + why);
        }
        if (size == 0)
        {
            return corrupt(file, -1, "segment file empty: length=0 expected=" + segmentLength + ", but " + why);
        }
        if (size < segmentLength)
        {
            return corrupt(file, -1, "segment file truncated: length=" + size + " expected=" + segmentLength +
                ", but " + why);
        }
        return corrupt(file, 0, "segment not started (its header is all zeros) but " + why);
    }

    /**
     * Read a segment acquired from the cache, releasing the one read so far (which may be the same mapping: each
     * acquire is released once) and a prepared mapping that is not the one after it.
     */
    private void use(final MappedSegment next)
    {
        if (segment != null)
        {
            segments.release(segment);
        }
        if (prepared != null && prepared.basePosition() != next.basePosition() + segmentLength)
        {
            segments.release(prepared);
            prepared = null;
        }
        nextPrepareCheck = 0;
        segment = next;
        buffer = next.buffer();
        basePosition = next.basePosition();
        compacted = next.isCompacted();
        next.wrap(frames);
    }

    private void moveTo(final MappedSegment target, final int frameOffset, final long sequence, final long timestamp)
    {
        use(target);
        populateCheckAt = 0;
        frames.position(frameOffset, sequence, timestamp);
        nextDamageCheck = 0;
        if (persisted != null)
        {
            persisted.store(position(), sequence);
        }
    }

    private void moveTo(final MappedSegment target, final TailerSeek at)
    {
        moveTo(target, at.offset(), at.sequence(), at.lastTimestamp());
    }

    /**
     * Move to the journal's first record.
     *
     * @return this.
     */
    public Tailer seekToStart()
    {
        final long[] bases = reader.startedSegmentBases();
        if (bases.length == 0)
        {
            moveToUnstarted(reader.firstSegmentBaseOrZero(), 0);
            return this;
        }
        final MappedSegment first = openStarted(bases[0]);
        moveTo(first, SegmentDescriptor.HEADER_LENGTH, first.baseSequence(), Long.MIN_VALUE);
        return this;
    }

    /**
     * Have the page tables ahead of the tailer populated: all of a segment the writer has finished (a tailer behind
     * reads it all now, and one populate call costs less than a fault per page), a window of a segment the writer
     * is still in (so no poll stalls on populating a whole segment), the next window when the tailer has read half
     * of this one.
     */
    private void populateAhead(final int offset)
    {
        final boolean finished = writerPosition.get() >= basePosition + segmentLength;
        final int window = finished ? segmentLength : SegmentCache.POPULATE_WINDOW;
        segments.populate(segment, offset, window);
        populateCheckAt = finished ? Integer.MAX_VALUE : offset + (window >>> 1);
    }

    private void moveToUnstarted(final long base, final long sequence)
    {
        populateCheckAt = Integer.MAX_VALUE;
        if (segment != null)
        {
            segments.release(segment);
            segment = null;
        }
        if (prepared != null && prepared.basePosition() != base)
        {
            segments.release(prepared);
            prepared = null;
        }
        // park at the end of the (missing) previous segment: the next poll waits for this one to start
        basePosition = base - segmentLength;
        compacted = false;
        parkedSequence = sequence;
        nextDamageCheck = 0;
    }

    /**
     * Move past the last committed record: the next poll delivers only records appended from now on.
     *
     * @return this.
     * @throws JournalCorruptionException when a frame on the way is damaged.
     */
    public Tailer seekToEnd()
    {
        final long[] bases = reader.startedSegmentBases();
        if (bases.length == 0)
        {
            return seekToStart();
        }
        final MappedSegment last = openStarted(bases[bases.length - 1]);
        final TailerSeek end = scan(last, last.scanStartForOffset(seekFrames, segmentLength), Long.MAX_VALUE,
            Long.MAX_VALUE, Integer.MAX_VALUE);
        moveTo(last, end);
        return this;
    }

    /**
     * Move to the record with a sequence number; seeking to the next sequence to be appended waits for it.
     *
     * @param sequence of the record.
     * @return this.
     * @throws TailerSeekException        when it is before the first record or past the end.
     * @throws JournalCorruptionException when a frame on the way is damaged.
     */
    public Tailer seekToSequence(final long sequence)
    {
        final long[] bases = reader.startedSegmentBases();
        final long first = bases.length == 0 ? 0 : openStartedHeaderSequence(bases[0]);
        if (sequence < first)
        {
            throw new TailerSeekException("sequence before the first record: sequence=" + sequence +
                " firstSequence=" + first + " (" + (first - sequence) + " records earlier, deleted by retention or " +
                "never written); seek to the start instead");
        }
        if (bases.length == 0)
        {
            if (sequence != first)
            {
                throw pastEnd("sequence=" + sequence, "nextSequence=" + first);
            }
            return seekToStart();
        }
        int low = 0;
        int high = bases.length - 1;
        while (low < high)
        {
            final int mid = (low + high + 1) >>> 1;
            if (openStartedHeaderSequence(bases[mid]) <= sequence)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        MappedSegment target = openStarted(bases[low]);
        TailerSeek found = scan(target, target.scanStartForSequence(seekFrames, sequence), sequence,
            Long.MAX_VALUE, Integer.MAX_VALUE);
        while (found.endOfSegment() && target.isCompacted() && low < bases.length - 1)
        {
            // compaction dropped the records up to this segment's end: the first one at or after it is further on
            segments.release(target);
            target = openStarted(bases[++low]);
            found = scan(target, target.wrap(seekFrames), sequence, Long.MAX_VALUE, Integer.MAX_VALUE);
        }
        if (found.sequence() < sequence || (found.sequence() > sequence && !target.isCompacted()))
        {
            segments.release(target);
            throw pastEnd("sequence=" + sequence, "nextSequence=" + found.sequence());
        }
        moveTo(target, found);
        return this;
    }

    /**
     * Move to the first record whose timestamp is at or after a time; when every record is older, move to the end.
     *
     * @param epochNanos the time.
     * @return this.
     * @throws TailerSeekException        when the time is before the first record.
     * @throws JournalCorruptionException when a frame on the way is damaged.
     */
    public Tailer seekToTimestamp(final long epochNanos)
    {
        final long[] bases = reader.startedSegmentBases();
        if (bases.length == 0)
        {
            return seekToStart();
        }
        final long firstTimestamp = firstRecordTimestamp(bases[0]);
        if (firstTimestamp != Long.MAX_VALUE && epochNanos < firstTimestamp)
        {
            throw new TailerSeekException("timestamp before the first record: timestamp=" + epochNanos + " (" +
                Instant.ofEpochSecond(0, epochNanos) + ") firstRecord=" + firstTimestamp + " (" +
                Instant.ofEpochSecond(0, firstTimestamp) + "); seek to the start instead");
        }
        int low = 0;
        int high = bases.length - 1;
        while (low < high)
        {
            final int mid = (low + high + 1) >>> 1;
            if (firstRecordTimestamp(bases[mid]) < epochNanos)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        MappedSegment target = openStarted(bases[low]);
        TailerSeek found = scan(target, target.scanStartForTimestamp(seekFrames, epochNanos), Long.MAX_VALUE,
            epochNanos, Integer.MAX_VALUE);
        while (found.endOfSegment() && low < bases.length - 1)
        {
            // every record of this segment is older: the first one at or after the time is further on
            segments.release(target);
            target = openStarted(bases[++low]);
            found = scan(target, target.wrap(seekFrames), Long.MAX_VALUE, epochNanos, Integer.MAX_VALUE);
        }
        moveTo(target, found);
        return this;
    }

    /**
     * Move to the record at a position, as returned by {@code Appender.append} or {@link #position()}.
     *
     * @param position of a record, or the end of the journal.
     * @return this.
     * @throws TailerSeekException        when the position is before the first record, past the end, or not where a
     *                                    record starts.
     * @throws JournalCorruptionException when a frame on the way is damaged.
     */
    public Tailer seekToPosition(final long position)
    {
        final long[] bases = reader.startedSegmentBases();
        final long base = position & -(long)segmentLength;
        final int frameOffset = (int)Math.max(position - base, SegmentDescriptor.HEADER_LENGTH);
        if (bases.length == 0 || base < bases[0])
        {
            throw new TailerSeekException("position before the first record: position=" + position +
                " firstPosition=" + (bases.length == 0 ? "none" : bases[0] + SegmentDescriptor.HEADER_LENGTH));
        }
        if (base > bases[bases.length - 1])
        {
            final TailerSeek end = endOf(bases[bases.length - 1]);
            if (base == bases[bases.length - 1] + segmentLength && end.offset() > segmentLength - HEADER_LENGTH &&
                frameOffset == SegmentDescriptor.HEADER_LENGTH)
            {
                moveToUnstarted(base, end.sequence());
                return this;
            }
            throw pastEnd("position=" + position, "endPosition=" + (bases[bases.length - 1] + end.offset()));
        }
        final MappedSegment target = openStarted(base);
        final TailerSeek found = scan(target, target.scanStartForOffset(seekFrames, frameOffset), Long.MAX_VALUE,
            Long.MAX_VALUE, frameOffset);
        if (found.offset() == frameOffset)
        {
            moveTo(target, found);
            return this;
        }
        segments.release(target);
        if (found.offset() < frameOffset)
        {
            throw pastEnd("position=" + position, "endPosition=" + (base + found.offset()));
        }
        throw new TailerSeekException("not a record position: position=" + position + " in " +
            JournalDirectoryLayout.segmentFileName(base) + "; the record before it ends at " +
            (base + found.previousOffset()));
    }

    private TailerSeek endOf(final long base)
    {
        final MappedSegment last = openStarted(base);
        final TailerSeek end = scan(last, last.scanStartForOffset(seekFrames, segmentLength), Long.MAX_VALUE,
            Long.MAX_VALUE, Integer.MAX_VALUE);
        segments.release(last);
        return end;
    }

    /**
     * Walk a segment's records from where the reader stands until one of the targets is reached or its records end.
     * Releases the segment when it throws.
     *
     * @throws JournalCorruptionException at a damaged frame: a seek never stops silently at damage.
     */
    private TailerSeek scan(
        final MappedSegment target,
        final FrameReader walk,
        final long targetSequence,
        final long targetTimestamp,
        final int targetOffset)
    {
        int previous = walk.offset();
        final long visibleEnd = visibleEnd() - target.basePosition();
        while (walk.offset() < targetOffset)
        {
            if (walk.offset() >= visibleEnd)
            {
                // a positional writer has not published this yet: the end, as a zero length is in the mapped mode
                return new TailerSeek(walk.offset(), walk.nextSequence(), walk.lastTimestamp(), false, previous);
            }
            final int result = walk.next();
            if (result == FrameReader.RECORD)
            {
                if (walk.sequence() >= targetSequence || walk.timestamp() >= targetTimestamp)
                {
                    return new TailerSeek(walk.offset(), walk.sequence(), walk.lastTimestamp(), false, previous);
                }
                previous = walk.offset();
                walk.advance();
            }
            else if (result == FrameReader.END_OF_SEGMENT)
            {
                if (target.isTruncated())
                {
                    // the records after the cut are gone: not the end of the journal, whatever the seek looked for
                    segments.release(target);
                    throw corrupt(target.path(), walk.offset(), "segment file truncated: length=" + walk.limit() +
                        " expected=" + segmentLength + ": the seek reached the cut");
                }
                return new TailerSeek(walk.limit(), walk.nextSequence(), walk.lastTimestamp(), true, previous);
            }
            else if (result == FrameReader.NOT_WRITTEN)
            {
                return new TailerSeek(walk.offset(), walk.nextSequence(), walk.lastTimestamp(), false, previous);
            }
            else
            {
                throw damagedDuringSeek(target, walk);
            }
        }
        long sequence = walk.nextSequence();
        if (walk.offset() == targetOffset && walk.offset() < visibleEnd)
        {
            // the offset asked for: a compacted segment's record there may carry a later sequence than the next
            final int result = walk.next();
            if (result == FrameReader.DAMAGED)
            {
                throw damagedDuringSeek(target, walk);
            }
            if (result == FrameReader.RECORD)
            {
                sequence = walk.sequence();
            }
        }
        return new TailerSeek(walk.offset(), sequence, walk.lastTimestamp(), false, previous);
    }

    /**
     * End of what a tailer may read: the writer position counter when the last writer to open the journal writes
     * with positional writes, else no bound (each frame is published by its length).
     */
    private long visibleEnd()
    {
        return metadata.writerIsPositional() ?
            Math.max(writerPosition.getAcquire(), durableFromSlots()) : Long.MAX_VALUE;
    }

    /**
     * The durable position of the newest valid durable slot, or -1: the rule of
     * {@link MetadataDescriptor#newestValidSlot}, without its allocation, since a tailer at the live edge asks on every
     * poll.
     */
    private long durableFromSlots()
    {
        final boolean aValid = isSlotValid(MetadataDescriptor.DURABLE_SLOT_A_OFFSET);
        final boolean bValid = isSlotValid(MetadataDescriptor.DURABLE_SLOT_B_OFFSET);
        final int slot;
        if (aValid && bValid)
        {
            slot = generation(MetadataDescriptor.DURABLE_SLOT_A_OFFSET) >=
                generation(MetadataDescriptor.DURABLE_SLOT_B_OFFSET) ?
                MetadataDescriptor.DURABLE_SLOT_A_OFFSET : MetadataDescriptor.DURABLE_SLOT_B_OFFSET;
        }
        else
        {
            slot = aValid ? MetadataDescriptor.DURABLE_SLOT_A_OFFSET :
                bValid ? MetadataDescriptor.DURABLE_SLOT_B_OFFSET : -1;
        }
        return slot < 0 ? -1 : MetadataDescriptor.slotPosition(metadataHeader, slot);
    }

    private long generation(final int slotOffset)
    {
        return metadataHeader.getLong(slotOffset + MetadataDescriptor.SLOT_GENERATION_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    private boolean isSlotValid(final int slotOffset)
    {
        if (generation(slotOffset) <= 0)
        {
            return false;
        }
        if (slotView == null)
        {
            return MetadataDescriptor.isSlotValid(metadataHeader, slotOffset);
        }
        slotView.limit(slotOffset + MetadataDescriptor.SLOT_CHECKSUM_OFFSET).position(slotOffset);
        slotChecksum.reset();
        slotChecksum.update(slotView);
        return metadataHeader.getInt(slotOffset + MetadataDescriptor.SLOT_CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN) ==
            (int)slotChecksum.getValue();
    }

    private JournalCorruptionException damagedDuringSeek(final MappedSegment target, final FrameReader walk)
    {
        segments.release(target);
        return corrupt(target.path(), walk.offset(), walk.reason());
    }

    private TailerSeekException pastEnd(final String asked, final String end)
    {
        return new TailerSeekException("seek past the end of the journal: " + asked + " " + end);
    }

    private MappedSegment openStarted(final long base)
    {
        final MappedSegment mapped = segments.acquireIfStarted(base);
        if (mapped == null)
        {
            final Path file = segmentPath(base);
            throw Files.exists(file) ? notStarted(file, "the journal lists started segments after it") :
                corrupt(file, -1, "segment file missing, but the journal lists segments after it");
        }
        return mapped;
    }

    private long openStartedHeaderSequence(final long base)
    {
        final long sequence = SegmentHeaderReader.baseSequence(segmentPath(base));
        if (sequence < 0)
        {
            final Path file = segmentPath(base);
            throw Files.exists(file) ? notStarted(file, "the journal lists started segments after it") :
                corrupt(file, -1, "segment file missing, but the journal lists segments after it");
        }
        return sequence;
    }

    private long firstRecordTimestamp(final long base)
    {
        final MappedSegment mapped = openStarted(base);
        try
        {
            final FrameReader walk = mapped.wrap(seekFrames);
            final int result = walk.next();
            if (result == FrameReader.DAMAGED)
            {
                throw corrupt(mapped.path(), walk.offset(), walk.reason());
            }
            return result == FrameReader.RECORD ? walk.timestamp() : Long.MAX_VALUE;
        }
        finally
        {
            segments.release(mapped);
        }
    }

    /**
     * Position of the next record to read.
     *
     * @return the position.
     */
    public long position()
    {
        return segment == null ? basePosition + segmentLength : basePosition + Math.min(frames.offset(), segmentLength);
    }

    /**
     * Sequence of the next record to read.
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return segment == null ? parkedSequence : frames.nextSequence();
    }

    /**
     * Name of a named tailer.
     *
     * @return the name, or null for an unnamed tailer.
     */
    public String name()
    {
        return persisted == null ? null : persisted.name();
    }

    /**
     * Release the segments this tailer holds (the reader unmaps them when no other tailer holds or keeps them), and
     * give up a name so another tailer may use it; its position stays.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (segment != null)
            {
                segments.release(segment);
                segment = null;
            }
            if (prepared != null)
            {
                segments.release(prepared);
                prepared = null;
            }
            try
            {
                if (persisted != null)
                {
                    persisted.close();
                }
            }
            finally
            {
                reader.releaseMetadata();
            }
        }
    }
}
