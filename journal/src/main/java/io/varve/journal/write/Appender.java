package io.varve.journal.write;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalFailedException;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.format.FrameChecksum;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.MetadataFile;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * The journal's one writer: frames records into the mapped segment and publishes each by storing its length last
 * with a release store, so a tailer that sees the length sees the whole frame.
 * <p>
 * The hot path allocates nothing, takes no lock, checks bounds once per record and computes the CRC32C with the
 * JDK's intrinsic. A roll ends the segment with a padding frame and switches to the segment the
 * {@link SegmentPreparer} made ready in the background.
 * <p>
 * Threading: NOT threadsafe; use from one thread at a time. For many producer threads put a ring in front (the
 * {@code ringbuffer} module).
 */
public final class Appender implements AutoCloseable
{
    /** Smallest bound a writer records for the frame a kill may interrupt: a header, as a padding frame has. */
    public static final int MIN_FRAME_BOUND = FrameDescriptor.alignedLength(HEADER_LENGTH);

    private final String directory;
    private final int segmentLength;
    private final int maxRecordLength;
    private final long journalId;
    private final int uncheckedFlag;
    private final boolean syncEveryRecord;
    private final long segmentMaxAgeNanos;
    private final EpochNanoClock clock;
    private final RecordTimestamps timestamps;
    private final FrameChecksum checksum;
    private final SegmentPreparer preparer;
    private final SegmentSyncer syncer;
    private final JournalFailure failure;
    private final RecordClaim claim = new RecordClaim(this);
    private final AtomicCounter writerPositionCounter;
    private final AtomicCounter nextSequenceCounter;
    private final AtomicCounter segmentsCounter;
    private final AtomicCounter rollsCounter;
    private final MetadataFile metadata;

    private SegmentMapping active;
    private long segmentAddress;
    private ByteBuffer checksumView;
    private AtomicBuffer indexBuffer;
    private long basePosition;
    private int tailOffset;
    private int nextIndexOffset;
    private int indexEntry;
    private int indexInterval;
    private long nextSequence;
    private long lastTimestamp;
    private int claimFrameOffset = -1;
    private int claimFrameLength;
    private long claimTimestamp;
    private int largestFrameStarted = MIN_FRAME_BOUND;
    private long rollDeadline = Long.MAX_VALUE;
    private boolean closed;

    /**
     * An appender continuing a journal at its recovered end. Built by {@code Journal.open}.
     *
     * @param directory       of the journal, for messages.
     * @param metadata        of the journal.
     * @param maxRecordLength largest payload.
     * @param frameChecksums  whether to compute checksums.
     * @param fsyncPolicy     of the journal.
     * @param clock           for segment creation times.
     * @param timestamps      for record timestamps.
     * @param preparer        of the next segment.
     * @param syncer          of written ranges.
     * @param failure         the journal's failed state.
     * @param tail            where the recovered journal ends.
     * @param segmentMaxAgeNanos a started segment older than this (its creation time to the next record's
     *                           timestamp) rolls at the next append, or 0 for rolls by size only.
     */
    public Appender(
        final String directory,
        final MetadataFile metadata,
        final int maxRecordLength,
        final boolean frameChecksums,
        final FsyncPolicy fsyncPolicy,
        final EpochNanoClock clock,
        final RecordTimestamps timestamps,
        final SegmentPreparer preparer,
        final SegmentSyncer syncer,
        final JournalFailure failure,
        final TailState tail,
        final long segmentMaxAgeNanos)
    {
        this.directory = directory;
        this.segmentLength = metadata.segmentLength();
        this.journalId = metadata.journalId();
        this.maxRecordLength = maxRecordLength;
        this.uncheckedFlag = frameChecksums ? 0 : FrameDescriptor.FLAG_UNCHECKED;
        this.checksum = frameChecksums ? new FrameChecksum() : null;
        this.syncEveryRecord = fsyncPolicy.kind() == FsyncPolicy.Kind.EVERY_RECORD;
        this.segmentMaxAgeNanos = segmentMaxAgeNanos;
        this.clock = clock;
        this.timestamps = timestamps;
        this.preparer = preparer;
        this.syncer = syncer;
        this.failure = failure;
        writerPositionCounter = metadata.counter(JournalCounter.WRITER_POSITION);
        nextSequenceCounter = metadata.counter(JournalCounter.NEXT_SEQUENCE);
        segmentsCounter = metadata.counter(JournalCounter.SEGMENTS);
        rollsCounter = metadata.counter(JournalCounter.ROLLS);
        rollsCounter.setRelease(0);
        this.metadata = metadata;

        nextSequence = tail.nextSequence();
        lastTimestamp = tail.lastTimestamp();
        activate(tail.mapping(), tail.offset(), tail.indexEntries(), tail.nextIndexOffset());
        preparer.requestAhead(basePosition + segmentLength);
    }

    /**
     * Append a record of type 0.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the record's position.
     * @throws RecordTooLargeException   when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalStateException     when a claim is open: commit or abort it first.
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} lie outside {@code buffer}.
     * @throws JournalClosedException    after the journal closed.
     * @throws JournalFailedException    after a failure (a failed force) stopped the journal.
     * @throws StorageSpaceException     when a roll needs a new segment and the disk refuses it; a later call
     *                                   tries again.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        return append(buffer, offset, length, 0);
    }

    /**
     * Append a record.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @param type   record type, 0 or more.
     * @return the record's position.
     * @throws RecordTooLargeException   when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalArgumentException  when {@code type} is negative.
     * @throws IllegalStateException     when a claim is open: commit or abort it first.
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} lie outside {@code buffer}.
     * @throws JournalClosedException    after the journal closed.
     * @throws JournalFailedException    after a failure (a failed force) stopped the journal.
     * @throws StorageSpaceException     when a roll needs a new segment and the disk refuses it; a later call
     *                                   tries again.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length, final int type)
    {
        return append(buffer, offset, length, type, 0, 0, 0, timestamps.next());
    }

    /**
     * Append a record with every header field given: for producers that carry their own timestamp (a ring
     * stamps records when they are published) and for keyed records, whose payload starts with the key.
     *
     * @param buffer        holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload, key included.
     * @param type          record type, 0 or more.
     * @param schemaVersion of the payload's schema, 0 to 65535.
     * @param flags         {@link FrameDescriptor#FLAG_TOMBSTONE} or 0.
     * @param keyLength     bytes of key at the start of the payload, 0 to 255.
     * @param timestamp     epoch nanos; raised to the previous record's if lower, so time never goes back.
     * @return the record's position.
     * @throws RecordTooLargeException   when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalArgumentException  when a header field is out of range: a negative type, a schema version
     *                                   above 65535, flags other than the application's, a key longer than 255 bytes
     *                                   or than the payload.
     * @throws IllegalStateException     when a claim is open: commit or abort it first.
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} lie outside {@code buffer}.
     * @throws JournalClosedException    after the journal closed.
     * @throws JournalFailedException    after a failure (a failed force) stopped the journal.
     * @throws StorageSpaceException     when a roll needs a new segment and the disk refuses it.
     */
    public long append(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int type,
        final int schemaVersion,
        final int flags,
        final int keyLength,
        final long timestamp)
    {
        checkWritable();
        checkRecord(length, type, schemaVersion, flags, keyLength);
        buffer.boundsCheck(offset, length);
        final int frameLength = HEADER_LENGTH + length;
        final long stamp = Math.max(timestamp, lastTimestamp);
        final int frameOffset = reserve(FrameDescriptor.alignedLength(frameLength), stamp);
        final long frameAddress = segmentAddress + frameOffset;
        lastTimestamp = stamp;
        FrameWriter.writeHeader(
            frameAddress, nextSequence, stamp, type, schemaVersion, flags | uncheckedFlag, keyLength);
        UnsafeApi.copyMemory(
            buffer.byteArray(), buffer.addressOffset() + offset, null, frameAddress + HEADER_LENGTH, length);
        return publish(frameOffset, frameLength, stamp);
    }

    /**
     * Append a keyed record: the key, then the value, in one frame. Compaction keeps only the newest record of each
     * key; a tombstone deletes the key.
     *
     * @param key           buffer holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key, 1 to 255 bytes.
     * @param value         buffer holding the value.
     * @param valueOffset   of the value.
     * @param valueLength   of the value.
     * @param type          record type, 0 or more.
     * @param schemaVersion of the value's schema.
     * @param tombstone     true to delete the key (the value may be empty).
     * @return the record's position.
     * @throws IllegalArgumentException  when the key is not 1 to 255 bytes long or the type is negative.
     * @throws RecordTooLargeException   when key and value together exceed {@link #maxRecordLength()}.
     * @throws IllegalStateException     when a claim is open: commit or abort it first.
     * @throws IndexOutOfBoundsException when key or value lie outside their buffers.
     * @throws JournalClosedException    after the journal closed.
     * @throws JournalFailedException    after a failure (a failed force) stopped the journal.
     * @throws StorageSpaceException     when a roll needs a new segment and the disk refuses it.
     */
    public long appendKeyed(
        final DirectBuffer key,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final int type,
        final int schemaVersion,
        final boolean tombstone)
    {
        if (keyLength < 1 || keyLength > FrameDescriptor.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("key length must be 1 to " + FrameDescriptor.MAX_KEY_LENGTH +
                ": keyLength=" + keyLength);
        }
        key.boundsCheck(keyOffset, keyLength);
        value.boundsCheck(valueOffset, valueLength);
        final int length = keyLength + valueLength;
        final RecordClaim claim = claim(length, type);
        claim.buffer().putBytes(0, key, keyOffset, keyLength);
        claim.buffer().putBytes(keyLength, value, valueOffset, valueLength);
        final long frameAddress = segmentAddress + claimFrameOffset;
        FrameWriter.writeHeader(frameAddress, nextSequence, claimTimestamp, type, schemaVersion,
            (tombstone ? FrameDescriptor.FLAG_TOMBSTONE : 0) | uncheckedFlag, keyLength);
        return claim.commit();
    }

    /**
     * Claim room for a record to fill in place, without a copy. Commit or abort it before the next call.
     *
     * @param length of the payload.
     * @param type   record type, 0 or more.
     * @return the claim, whose buffer is the payload in the segment.
     * @throws RecordTooLargeException  when {@code length} is negative or above {@link #maxRecordLength()}.
     * @throws IllegalArgumentException when {@code type} is negative.
     * @throws IllegalStateException    when a claim is already open: commit or abort it first.
     * @throws JournalClosedException   after the journal closed.
     * @throws JournalFailedException   after a failure (a failed force) stopped the journal.
     * @throws StorageSpaceException    when a roll needs a new segment and the disk refuses it; a later call
     *                                  tries again.
     */
    public RecordClaim claim(final int length, final int type)
    {
        checkWritable();
        checkRecord(length, type, 0, 0, 0);
        final int frameLength = HEADER_LENGTH + length;
        final long stamp = Math.max(timestamps.next(), lastTimestamp);
        final int frameOffset = reserve(FrameDescriptor.alignedLength(frameLength), stamp);
        final long frameAddress = segmentAddress + frameOffset;
        lastTimestamp = stamp;
        claimTimestamp = stamp;
        FrameWriter.writeHeader(frameAddress, nextSequence, claimTimestamp, type, 0, uncheckedFlag, 0);
        claimFrameOffset = frameOffset;
        claimFrameLength = frameLength;
        claim.wrap(frameAddress + HEADER_LENGTH, length);
        return claim;
    }

    long commitClaim()
    {
        final int frameOffset = claimFrameOffset;
        if (frameOffset < 0)
        {
            throw new IllegalStateException("no claim to commit: directory=" + directory);
        }
        claimFrameOffset = -1;
        return publish(frameOffset, claimFrameLength, claimTimestamp);
    }

    long commitClaim(final int length)
    {
        final int frameOffset = claimFrameOffset;
        if (frameOffset < 0)
        {
            throw new IllegalStateException("no claim to commit: directory=" + directory);
        }
        final int claimedLength = claimFrameLength - HEADER_LENGTH;
        if (length < 0 || length > claimedLength)
        {
            throw new IllegalArgumentException(
                "commit length must be 0 to the claimed length: length=" + length + " claimed=" + claimedLength);
        }
        final int frameLength = HEADER_LENGTH + length;
        final int claimedEnd = FrameDescriptor.alignedLength(claimFrameLength);
        if (frameLength < claimedEnd)
        {
            // The part of the claim given back is beyond the log again: it must read as zeros, as it did before.
            UnsafeApi.setMemory(segmentAddress + frameOffset + frameLength, claimedEnd - frameLength, (byte)0);
        }
        claimFrameOffset = -1;
        return publish(frameOffset, frameLength, claimTimestamp);
    }

    void abortClaim()
    {
        if (claimFrameOffset < 0)
        {
            throw new IllegalStateException("no claim to abort: directory=" + directory);
        }
        final long frameAddress = segmentAddress + claimFrameOffset;
        UnsafeApi.setMemory(frameAddress, FrameDescriptor.alignedLength(claimFrameLength), (byte)0);
        claimFrameOffset = -1;
    }

    /**
     * Force everything appended so far to storage and record it as durable.
     *
     * @return the durable position: the end of the last record appended.
     */
    public long sync()
    {
        checkWritable();
        return syncer.sync(basePosition + tailOffset);
    }

    /**
     * Position where the next record will start, unless a roll moves it to the next segment.
     *
     * @return the position.
     */
    public long position()
    {
        return basePosition + tailOffset;
    }

    /**
     * Sequence the next record will get.
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
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
     * Largest payload this appender accepts.
     *
     * @return bytes.
     */
    public int maxRecordLength()
    {
        return maxRecordLength;
    }

    private int reserve(final int alignedLength, final long timestamp)
    {
        if (alignedLength > largestFrameStarted)
        {
            raiseLargestFrameStarted(alignedLength);
        }
        final int frameOffset = tailOffset;
        if (frameOffset + alignedLength > segmentLength ||
            (timestamp >= rollDeadline && frameOffset > SegmentDescriptor.HEADER_LENGTH))
        {
            return roll();
        }
        return frameOffset;
    }

    private void raiseLargestFrameStarted(final int alignedLength)
    {
        // Recorded before the frame is written: recovery on this boot clears only this far beyond the last committed
        // frame, which must cover the frame a kill interrupted.
        largestFrameStarted = alignedLength;
        metadata.writerMaxFrameLength(alignedLength);
    }

    private long publish(final int frameOffset, final int frameLength, final long timestamp)
    {
        final int alignedLength = FrameDescriptor.alignedLength(frameLength);
        final int nextFrameOffset = frameOffset + alignedLength;
        if (nextFrameOffset <= segmentLength - Integer.BYTES)
        {
            // Keep the next frame's length zero before publishing this one, as Zeebe does: whatever lies beyond the
            // log (stale bytes recovery did not reach) is then never taken for a committed frame.
            UnsafeApi.putInt(segmentAddress + nextFrameOffset, 0);
        }
        FrameWriter.commit(
            segmentAddress + frameOffset, checksumView, frameOffset, frameLength, frameLength, checksum);

        final long sequence = nextSequence;
        tailOffset = nextFrameOffset;
        nextSequence = sequence + 1;
        if (frameOffset >= nextIndexOffset)
        {
            IndexDescriptor.putEntry(indexBuffer, indexEntry++, sequence, timestamp, frameOffset);
            nextIndexOffset = (frameOffset & -indexInterval) + indexInterval;
        }
        final long endPosition = basePosition + tailOffset;
        writerPositionCounter.setRelease(endPosition);
        nextSequenceCounter.setRelease(sequence + 1);
        if (syncEveryRecord)
        {
            syncer.sync(endPosition);
        }
        return basePosition + frameOffset;
    }

    private int roll()
    {
        if (tailOffset < segmentLength)
        {
            writePadding();
        }
        final long nextBase = basePosition + segmentLength;
        // If the next segment cannot be had (a full disk) this throws and the padded segment stays active, so a
        // later call retries the roll and a sync still reaches the end of the padding.
        final SegmentMapping next = preparer.take(nextBase);
        SegmentDescriptor.writeHeader(
            next.segment().buffer(), segmentLength, nextBase, nextSequence, clock.nanoTime(), journalId, 0);
        // Hand the sealed segment over only now: the syncer may unmap it at once under FsyncPolicy.NONE.
        syncer.seal(active);
        activate(next, SegmentDescriptor.HEADER_LENGTH, 0, 0);
        preparer.requestAhead(nextBase + segmentLength);
        segmentsCounter.increment();
        rollsCounter.increment();
        writerPositionCounter.setRelease(basePosition + tailOffset);
        return tailOffset;
    }

    private void writePadding()
    {
        final int remaining = segmentLength - tailOffset;
        if (remaining >= HEADER_LENGTH)
        {
            final long frameAddress = segmentAddress + tailOffset;
            FrameWriter.writeHeader(
                frameAddress, nextSequence, lastTimestamp, FrameDescriptor.PADDING_TYPE, 0, uncheckedFlag, 0);
            FrameWriter.commit(frameAddress, checksumView, tailOffset, remaining, HEADER_LENGTH, checksum);
        }
        tailOffset = segmentLength;
        writerPositionCounter.setRelease(basePosition + segmentLength);
    }

    private void activate(
        final SegmentMapping mapping, final int offset, final int entries, final int nextIndexedOffset)
    {
        active = mapping;
        basePosition = mapping.basePosition();
        segmentAddress = mapping.segment().address();
        checksumView = mapping.segment().checksumView();
        indexBuffer = mapping.index().buffer();
        indexInterval = IndexDescriptor.interval(indexBuffer);
        tailOffset = offset;
        indexEntry = entries;
        nextIndexOffset = nextIndexedOffset;
        final long creationTime = SegmentDescriptor.creationTime(mapping.segment().buffer());
        // a bound so far away that the deadline overflows is no bound
        rollDeadline = segmentMaxAgeNanos == 0 || creationTime > Long.MAX_VALUE - segmentMaxAgeNanos ?
            Long.MAX_VALUE : creationTime + segmentMaxAgeNanos;
        syncer.activate(mapping);
    }

    private void checkWritable()
    {
        if (closed)
        {
            throw new JournalClosedException("appender of journal " + directory);
        }
        failure.check();
        if (claimFrameOffset >= 0)
        {
            throw new IllegalStateException("a claim is open: commit or abort it first: directory=" + directory);
        }
    }

    private void checkRecord(
        final int length, final int type, final int schemaVersion, final int flags, final int keyLength)
    {
        if (length < 0 || length > maxRecordLength)
        {
            throw new RecordTooLargeException(
                length, maxRecordLength, JournalConfiguration.MAX_RECORD_LENGTH_PROP_NAME);
        }
        if ((type | schemaVersion | flags | keyLength) < 0 || schemaVersion > FrameDescriptor.MAX_SCHEMA_VERSION ||
            (flags & ~FrameDescriptor.APPLICATION_FLAGS) != 0 || keyLength > FrameDescriptor.MAX_KEY_LENGTH ||
            keyLength > length)
        {
            throw new IllegalArgumentException("bad record header: type=" + type + " schemaVersion=" + schemaVersion +
                " flags=" + flags + " keyLength=" + keyLength + " length=" + length);
        }
    }

    /**
     * Stop accepting records. The journal syncs and unmaps; see {@code Journal.close()}.
     */
    public void close()
    {
        closed = true;
    }

    /**
     * Whether the appender is closed.
     *
     * @return true after close.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Where a recovered journal ends, from which the appender continues.
     *
     * @param mapping       the tail segment, mapped read-write, its header written.
     * @param offset        in the segment where the next frame goes.
     * @param indexEntries    valid entries in its index.
     * @param nextIndexOffset offset from which the next frame gets an index entry.
     * @param nextSequence    sequence of the next record.
     * @param lastTimestamp   of the last record, or 0.
     */
    public record TailState(
        SegmentMapping mapping,
        int offset,
        int indexEntries,
        int nextIndexOffset,
        long nextSequence,
        long lastTimestamp)
    {
    }
}
