package io.varve.journal.read;

import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameChecksum;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static io.varve.journal.format.FrameDescriptor.FLAG_UNCHECKED;
import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;
import static io.varve.journal.format.FrameDescriptor.PADDING_TYPE;
import static io.varve.journal.format.FrameDescriptor.SEQUENCE_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TIMESTAMP_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TYPE_OFFSET;

/**
 * Reads committed records straight from the mapped segments, in this process or another, with no allocation per
 * record. A record is visible as soon as the writer commits it (no flush or sync needed); a tailer never sees a
 * partly written frame, because it reads a frame's length with acquire semantics and the writer stores it last.
 * By default each delivered frame's CRC32C is checked.
 * <p>
 * A tailer follows segment rolls by itself, waits for a segment the writer has not started yet, and keeps going
 * across a restart of the writer. It seeks to the start, the end, a position, a sequence or a timestamp, in
 * O(log n) through the segment headers and the sparse index plus a scan of at most one index interval.
 * <p>
 * A <b>named</b> tailer persists its position in the metadata file after the handler returns for each record, and
 * resumes there when reopened, also after its process was killed: delivery is at-least-once, and the only record
 * delivered twice is the one whose handler was running (or had just returned) when the process died.
 * <p>
 * Threading: NOT threadsafe; one thread polls a tailer.
 */
public final class Tailer implements AutoCloseable
{
    private static final long SEGMENT_RETRY_NANOS = 100_000;

    private final JournalReader reader;
    private final Path directory;
    private final int segmentLength;
    private final long journalId;
    private final boolean verifyChecksums;
    private final FrameChecksum checksum = new FrameChecksum();
    private final TailerPosition persisted;
    private final boolean skipAheadWhenBehind;
    private final AtomicCounter firstPosition;

    private MappedSegment segment;
    private UnsafeBuffer buffer;
    private ByteBuffer checksumView;
    private long address;
    private long basePosition = -1;
    private int segmentEnd;
    private boolean compacted;
    private int offset;
    private long nextSequence;
    private long nextSegmentCheck;
    private boolean closed;

    Tailer(
        final JournalReader reader,
        final boolean verifyChecksums,
        final TailerPosition persisted,
        final boolean skipAheadWhenBehind)
    {
        this.skipAheadWhenBehind = skipAheadWhenBehind;
        this.firstPosition = reader.metadata().counter(JournalCounter.FIRST_POSITION);
        this.reader = reader;
        this.directory = reader.directory();
        this.segmentLength = reader.segmentLength();
        this.journalId = reader.journalId();
        this.verifyChecksums = verifyChecksums;
        this.persisted = persisted;
    }

    /**
     * Deliver up to {@code limit} committed records to the handler.
     *
     * @param handler receives each record; its buffer is the mapped segment.
     * @param limit   most records to deliver.
     * @return records delivered, 0 when there is nothing new.
     * @throws JournalCorruptionException when a committed frame is invalid; the tailer does not move past it.
     */
    public int poll(final RecordHandler handler, final int limit)
    {
        if (closed)
        {
            throw new JournalClosedException("tailer of journal " + directory);
        }
        int delivered = 0;
        while (delivered < limit)
        {
            if (offset > segmentEnd - HEADER_LENGTH && !advanceSegment())
            {
                break;
            }
            final long frameAddress = address + offset;
            final int frameLength = UnsafeApi.getIntAcquire(null, frameAddress);
            if (frameLength == 0)
            {
                if (compacted)
                {
                    // a compacted segment is sealed: its records end where its kept frames end
                    offset = segmentEnd;
                    continue;
                }
                break;
            }
            if (frameLength < HEADER_LENGTH || frameLength > segmentEnd - offset)
            {
                throw corrupt("frame length out of range: length=" + frameLength);
            }
            final int type = UnsafeApi.getInt(frameAddress + TYPE_OFFSET);
            if (type == PADDING_TYPE)
            {
                offset = segmentEnd;
                continue;
            }
            final long sequence = UnsafeApi.getLong(frameAddress + SEQUENCE_OFFSET);
            if (sequence != nextSequence && (!compacted || sequence < nextSequence))
            {
                throw corrupt("sequence out of order: expected=" + nextSequence + " found=" + sequence);
            }
            final int flags = FrameDescriptor.flags(buffer, offset);
            if ((flags & ~FrameDescriptor.KNOWN_FLAGS) != 0 ||
                ((flags & FLAG_UNCHECKED) != 0 && FrameDescriptor.checksum(buffer, offset) != 0))
            {
                // the flags decide whether the checksum is checked, so damaged flags must not be taken at their word
                throw corrupt("frame flags damaged: flags=0x" + Integer.toHexString(flags) + " checksum=0x" +
                    Integer.toHexString(FrameDescriptor.checksum(buffer, offset)));
            }
            if (verifyChecksums && (flags & FLAG_UNCHECKED) == 0)
            {
                verifyChecksum(frameLength);
            }
            handler.onRecord(buffer, offset + HEADER_LENGTH, frameLength - HEADER_LENGTH, sequence,
                UnsafeApi.getLong(frameAddress + TIMESTAMP_OFFSET), type);
            offset += FrameDescriptor.alignedLength(frameLength);
            nextSequence = sequence + 1;
            delivered++;
            if (persisted != null)
            {
                persisted.store(basePosition + offset, sequence + 1);
            }
        }
        if (persisted != null && delivered > 0)
        {
            persisted.touch(System.currentTimeMillis());
        }
        return delivered;
    }

    private void verifyChecksum(final int frameLength)
    {
        final int stored = UnsafeApi.getInt(address + offset + FrameDescriptor.CHECKSUM_OFFSET);
        final int computed = checksum.compute(checksumView, offset, frameLength, frameLength);
        if (stored != computed)
        {
            throw corrupt("CRC32C mismatch: stored=0x" + Integer.toHexString(stored) + " computed=0x" +
                Integer.toHexString(computed));
        }
    }

    private JournalCorruptionException corrupt(final String reason)
    {
        return new JournalCorruptionException(segment.path(), offset, reason, "run 'varve verify " + directory + "'");
    }

    private boolean advanceSegment()
    {
        final long nextBase = basePosition + segmentLength;
        final long now = System.nanoTime();
        if (now - nextSegmentCheck < 0)
        {
            return false;
        }
        final MappedSegment next = MappedSegment.openIfStarted(directory, nextBase, segmentLength, journalId);
        if (next == null)
        {
            // not started yet: look again after a pause rather than on every poll
            nextSegmentCheck = now + SEGMENT_RETRY_NANOS;
            return checkNotDeleted(nextBase);
        }
        final long baseSequence = next.baseSequence();
        if (compacted ? baseSequence < nextSequence : baseSequence != nextSequence)
        {
            next.close();
            throw new JournalCorruptionException(directory.resolve(JournalDirectoryLayout.segmentFileName(nextBase)),
                SegmentDescriptor.BASE_SEQUENCE_OFFSET, "segment base sequence: expected=" + nextSequence +
                " found=" + baseSequence + " (replaced under the tailer?)", null);
        }
        // after a compacted segment the next one may start above: its header says where
        nextSequence = baseSequence;
        use(next, SegmentDescriptor.HEADER_LENGTH);
        return true;
    }

    private boolean checkNotDeleted(final long missingBase)
    {
        final Path missing = directory.resolve(JournalDirectoryLayout.segmentFileName(missingBase));
        if (firstPosition.get() <= missingBase && Files.exists(missing))
        {
            return false;
        }
        final long[] bases = reader.startedSegmentBases();
        if (firstPosition.get() <= missingBase && Files.exists(missing))
        {
            // created while the directory was being listed: a listing may show the segment after it and not it
            return false;
        }
        if (bases.length == 0 || bases[bases.length - 1] <= missingBase ||
            Arrays.binarySearch(bases, missingBase) >= 0)
        {
            // not written yet, or started since we looked: the next poll picks it up
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
            final long firstSequence = SegmentHeaderReader.baseSequence(
                directory.resolve(JournalDirectoryLayout.segmentFileName(bases[0])));
            throw new TailerBehindRetentionException(name(), nextSequence, firstSequence,
                bases[0] + SegmentDescriptor.HEADER_LENGTH);
        }
        throw new JournalCorruptionException(missing, -1, "segment file deleted under the tailer: the journal " +
            "continues after it, so its records are gone", null);
    }

    private void use(final MappedSegment next, final int frameOffset)
    {
        if (segment != null && segment != next)
        {
            segment.close();
        }
        segment = next;
        buffer = next.buffer();
        checksumView = next.file().checksumView();
        address = buffer.addressOffset();
        basePosition = next.basePosition();
        segmentEnd = next.limit();
        compacted = next.isCompacted();
        offset = frameOffset;
    }

    private void moveTo(final MappedSegment target, final int frameOffset, final long sequence)
    {
        use(target, frameOffset);
        nextSequence = sequence;
        if (persisted != null)
        {
            persisted.store(basePosition + offset, sequence);
        }
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
        moveTo(first, SegmentDescriptor.HEADER_LENGTH, first.baseSequence());
        return this;
    }

    private void moveToUnstarted(final long base, final long sequence)
    {
        if (segment != null)
        {
            segment.close();
            segment = null;
        }
        // park at the end of the (missing) previous segment: the next poll waits for this one to start
        basePosition = base - segmentLength;
        segmentEnd = segmentLength;
        compacted = false;
        offset = segmentLength;
        address = 0;
        nextSequence = sequence;
    }

    /**
     * Move past the last committed record: the next poll delivers only records appended from now on.
     *
     * @return this.
     */
    public Tailer seekToEnd()
    {
        final long[] bases = reader.startedSegmentBases();
        if (bases.length == 0)
        {
            return seekToStart();
        }
        final MappedSegment last = openStarted(bases[bases.length - 1]);
        final int start = last.scanStartForOffset(segmentLength);
        final long sequence = start == SegmentDescriptor.HEADER_LENGTH ? last.baseSequence() : last.sequenceAt(start);
        final long[] end = scan(last, start, sequence, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
        moveTo(last, (int)end[0], end[1]);
        return this;
    }

    /**
     * Move to the record with a sequence number; seeking to the next sequence to be appended waits for it.
     *
     * @param sequence of the record.
     * @return this.
     * @throws TailerSeekException when it is before the first record or past the end.
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
        final int start = target.scanStartForSequence(sequence);
        final long startSequence = start == SegmentDescriptor.HEADER_LENGTH ?
            target.baseSequence() : target.sequenceAt(start);
        long[] found = scan(target, start, startSequence, sequence, Long.MAX_VALUE, Integer.MAX_VALUE);
        while (found[2] == 1 && target.isCompacted() && low < bases.length - 1)
        {
            // compaction dropped the records up to this segment's end: the first one at or after it is further on
            target.close();
            target = openStarted(bases[++low]);
            found = scan(target, SegmentDescriptor.HEADER_LENGTH, target.baseSequence(), sequence, Long.MAX_VALUE,
                Integer.MAX_VALUE);
        }
        if (found[1] < sequence || (found[1] > sequence && !target.isCompacted()))
        {
            target.close();
            throw pastEnd("sequence=" + sequence, "nextSequence=" + found[1]);
        }
        moveTo(target, (int)found[0], found[1]);
        return this;
    }

    /**
     * Move to the first record whose timestamp is at or after a time; when every record is older, move to the end.
     *
     * @param epochNanos the time.
     * @return this.
     * @throws TailerSeekException when the time is before the first record.
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
        final int start = target.scanStartForTimestamp(epochNanos);
        final long sequence = start == SegmentDescriptor.HEADER_LENGTH ?
            target.baseSequence() : target.sequenceAt(start);
        long[] found = scan(target, start, sequence, Long.MAX_VALUE, epochNanos, Integer.MAX_VALUE);
        while (found[2] == 1 && low < bases.length - 1)
        {
            // every record of this segment is older: the first one at or after the time is further on
            target.close();
            target = openStarted(bases[++low]);
            found = scan(target, SegmentDescriptor.HEADER_LENGTH, target.baseSequence(), Long.MAX_VALUE, epochNanos,
                Integer.MAX_VALUE);
        }
        moveTo(target, (int)found[0], found[1]);
        return this;
    }

    /**
     * Move to the record at a position, as returned by {@code Appender.append} or {@link #position()}.
     *
     * @param position of a record, or the end of the journal.
     * @return this.
     * @throws TailerSeekException when the position is before the first record, past the end, or not where a
     *                             record starts.
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
            final long[] end = endOf(bases[bases.length - 1]);
            if (base == bases[bases.length - 1] + segmentLength && end[0] > segmentLength - HEADER_LENGTH &&
                frameOffset == SegmentDescriptor.HEADER_LENGTH)
            {
                moveToUnstarted(base, end[1]);
                return this;
            }
            throw pastEnd("position=" + position, "endPosition=" + (bases[bases.length - 1] + end[0]));
        }
        final MappedSegment target = openStarted(base);
        final int start = target.scanStartForOffset(frameOffset);
        final long sequence = start == SegmentDescriptor.HEADER_LENGTH ?
            target.baseSequence() : target.sequenceAt(start);
        final long[] found = scan(target, start, sequence, Long.MAX_VALUE, Long.MAX_VALUE, frameOffset);
        if (found[0] == frameOffset)
        {
            final boolean atFrame = frameOffset <= target.limit() - HEADER_LENGTH &&
                target.buffer().getIntVolatile(frameOffset) != 0;
            moveTo(target, frameOffset, atFrame ? target.sequenceAt(frameOffset) : found[1]);
            return this;
        }
        target.close();
        if (found[0] < frameOffset)
        {
            throw pastEnd("position=" + position, "endPosition=" + (base + found[0]));
        }
        throw new TailerSeekException("not a record position: position=" + position + " in " +
            JournalDirectoryLayout.segmentFileName(base) + "; the record before it ends at " + (base + found[3]));
    }

    private long[] endOf(final long base)
    {
        final MappedSegment last = openStarted(base);
        try
        {
            final int start = last.scanStartForOffset(segmentLength);
            final long sequence = start == SegmentDescriptor.HEADER_LENGTH ?
                last.baseSequence() : last.sequenceAt(start);
            return scan(last, start, sequence, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
        }
        finally
        {
            last.close();
        }
    }

    /**
     * Walk committed frames from a frame until one of the targets is reached or the segment's records end.
     *
     * @return {offset reached, the sequence of the frame there (or the next one to be written), 1 when the walk hit
     *         the segment's end, offset of the previous frame}.
     */
    private long[] scan(
        final MappedSegment target,
        final int fromOffset,
        final long fromSequence,
        final long targetSequence,
        final long targetTimestamp,
        final int targetOffset)
    {
        final UnsafeBuffer segmentBuffer = target.buffer();
        final int end = target.limit();
        int at = fromOffset;
        int previous = fromOffset;
        long sequence = fromSequence;
        while (at <= end - HEADER_LENGTH && at < targetOffset)
        {
            final int frameLength = segmentBuffer.getIntVolatile(at);
            if (frameLength == 0)
            {
                return target.isCompacted() ? new long[]{ end, sequence, 1, previous } :
                    new long[]{ at, sequence, 0, previous };
            }
            if (frameLength < HEADER_LENGTH || FrameDescriptor.alignedLength(frameLength) > end - at)
            {
                throw new JournalCorruptionException(target.path(), at,
                    "frame length out of range: length=" + frameLength, null);
            }
            if (FrameDescriptor.type(segmentBuffer, at) == PADDING_TYPE)
            {
                return new long[]{ end, sequence, 1, previous };
            }
            final long frameSequence = FrameDescriptor.sequence(segmentBuffer, at);
            if (frameSequence >= targetSequence || FrameDescriptor.timestamp(segmentBuffer, at) >= targetTimestamp)
            {
                return new long[]{ at, frameSequence, 0, previous };
            }
            previous = at;
            at += FrameDescriptor.alignedLength(frameLength);
            sequence = frameSequence + 1;
        }
        return new long[]{ at, sequence, at > end - HEADER_LENGTH ? 1 : 0, previous };
    }

    private TailerSeekException pastEnd(final String asked, final String end)
    {
        return new TailerSeekException("seek past the end of the journal: " + asked + " " + end);
    }

    private MappedSegment openStarted(final long base)
    {
        final MappedSegment mapped = MappedSegment.openIfStarted(directory, base, segmentLength, journalId);
        if (mapped == null)
        {
            throw new JournalCorruptionException(directory.resolve(JournalDirectoryLayout.segmentFileName(base)), -1,
                "segment file missing or not started", null);
        }
        return mapped;
    }

    private long openStartedHeaderSequence(final long base)
    {
        final long sequence = SegmentHeaderReader.baseSequence(
            directory.resolve(JournalDirectoryLayout.segmentFileName(base)));
        if (sequence < 0)
        {
            throw new JournalCorruptionException(directory.resolve(JournalDirectoryLayout.segmentFileName(base)), 0,
                "cannot read segment header", null);
        }
        return sequence;
    }

    private long firstRecordTimestamp(final long base)
    {
        try (MappedSegment mapped = openStarted(base))
        {
            final UnsafeBuffer segmentBuffer = mapped.buffer();
            final int first = SegmentDescriptor.HEADER_LENGTH;
            final int length = segmentBuffer.getIntVolatile(first);
            if (length == 0 || FrameDescriptor.type(segmentBuffer, first) == PADDING_TYPE)
            {
                return Long.MAX_VALUE;
            }
            return FrameDescriptor.timestamp(segmentBuffer, first);
        }
    }

    /**
     * Position of the next record to read.
     *
     * @return the position.
     */
    public long position()
    {
        return basePosition + Math.min(offset, segmentLength);
    }

    /**
     * Sequence of the next record to read.
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
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
     * Unmap, and give up a name so another tailer may use it; its position stays.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (segment != null)
            {
                segment.close();
                segment = null;
            }
            if (persisted != null)
            {
                persisted.close();
            }
        }
    }
}
