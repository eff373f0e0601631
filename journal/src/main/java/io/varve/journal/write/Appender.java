package io.varve.journal.write;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalFailedException;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.WriteMode;
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
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * The journal's one writer. In {@link WriteMode#MAPPED} it frames records into the mapped segment and publishes each
 * by storing its length last with a release store, so a tailer that sees the length sees the whole frame. In
 * {@link WriteMode#POSITIONAL} it frames records the same way into a small direct staging buffer, writes the buffer
 * to the segment file with a positional write ({@code pwrite}) when it flushes, and only then publishes the end of
 * what it wrote with a release store of the writer position counter: a kernel copy does not order the bytes of one
 * write, so tailers read frames only below that counter.
 * <p>
 * In positional mode the segment address the hot path adds frame offsets to points {@code stageStart} bytes before
 * the staging buffer, so {@code segmentAddress + frameOffset} lands in the stage and the framing code is the same in
 * both modes. The stage is written out: at {@link #endBatch()} (a ring's batch end), before a direct
 * {@link #append} returns (or once its oldest record is older than {@code maxStagingDelay}), when the next frame
 * does not fit, on {@link #flush()}, {@link #sync()}, a roll and {@link #close()}. Records staged are invisible to
 * tailers and to forces until then.
 * <p>
 * A positional write into the sparse segment file that the disk refuses is a {@link StorageSpaceException} naming the
 * file and position; the journal does not fail. The append (or claim commit) whose write it was did not happen and may
 * be retried; records staged before it by a batch stay staged and the next flush writes them. Any other write error
 * fails the journal. A pending interrupt of the calling thread is held back across each write, since an interrupt
 * closes a file channel.
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
    private static final long NOTHING_STAGED = Long.MIN_VALUE;

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
    private final boolean positional;
    private final ByteBuffer stage;
    private final ByteBuffer stageChecksumView;
    private final UnsafeBuffer stageBuffer;
    private final long stageAddress;
    private final int stageCapacity;
    private final long maxStagingDelayNanos;

    private SegmentMapping active;
    private SegmentMapping unstarted;
    private FileChannel channel;
    private Path channelPath;
    private int stageStart;
    private int stageLimit = Integer.MAX_VALUE;
    private int writtenOffset;
    private int checksumBase;
    private long stagedSince = NOTHING_STAGED;
    private boolean inBatch;
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
     * @param writeMode          how frames reach the segment files; the tail and the preparer's segments must
     *                           be of the same kind (mapped, or channels for positional writes).
     * @param stagingLength      bytes of the staging buffer in {@link WriteMode#POSITIONAL}; grown to the largest
     *                           frame plus four bytes.
     * @param maxStagingDelayNanos how long a direct append may stay staged in {@link WriteMode#POSITIONAL}, 0 to
     *                           write it before the append returns.
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
        final long segmentMaxAgeNanos,
        final WriteMode writeMode,
        final int stagingLength,
        final long maxStagingDelayNanos)
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
        this.positional = writeMode == WriteMode.POSITIONAL;
        this.maxStagingDelayNanos = maxStagingDelayNanos;
        if (positional)
        {
            // a frame and the zero length after it always fit, and a segment header does
            final int least = FrameDescriptor.alignedLength(HEADER_LENGTH + maxRecordLength) + Integer.BYTES;
            stageCapacity = Math.max(Math.max(stagingLength, least), SegmentDescriptor.HEADER_LENGTH);
            stage = ByteBuffer.allocateDirect(stageCapacity);
            stageChecksumView = stage.duplicate();
            stageBuffer = new UnsafeBuffer(stage);
            stageAddress = stageBuffer.addressOffset();
        }
        else
        {
            stageCapacity = 0;
            stage = null;
            stageChecksumView = null;
            stageBuffer = null;
            stageAddress = 0;
        }

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
     * @throws StorageSpaceException     when the disk refuses a new segment or (positional mode) a write; a later call
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
     * @throws StorageSpaceException     when the disk refuses a new segment or (positional mode) a write; a later call
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
     * @throws StorageSpaceException     when the disk refuses a new segment or (positional mode) a write.
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
     * @throws StorageSpaceException     when the disk refuses a new segment or (positional mode) a write.
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
     * @throws StorageSpaceException    when the disk refuses a new segment or (positional mode) a write; a later call
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
     * Force everything appended so far to storage and record it as durable. In {@link WriteMode#POSITIONAL} the
     * staged records are written first.
     *
     * @return the durable position: the end of the last record appended.
     * @throws StorageSpaceException when staged records could not be written for lack of space.
     */
    public long sync()
    {
        checkWritable();
        flushStage();
        return syncer.sync(basePosition + tailOffset);
    }

    /**
     * Write the staged records to the segment file and publish them to tailers. In {@link WriteMode#MAPPED} every
     * record is published by its commit already and this does nothing.
     *
     * @throws IllegalStateException  when a claim is open: commit or abort it first.
     * @throws JournalClosedException after the journal closed.
     * @throws JournalFailedException after a failure stopped the journal.
     * @throws StorageSpaceException  when the disk refuses the write; the records stay staged and a later flush
     *                                writes them.
     */
    public void flush()
    {
        checkWritable();
        flushStage();
    }

    /**
     * Start a batch: until {@link #endBatch()} appends stage their records without writing them out (unless the
     * staging buffer fills), so a batch is written with as few positional writes as its size allows. Used by the
     * ring's journaling thread around each batch it drains; a direct user who appends many records at once may do
     * the same. Does nothing in {@link WriteMode#MAPPED}, where each record is published as it is committed.
     */
    public void beginBatch()
    {
        inBatch = true;
    }

    /**
     * End a batch: write the staged records out and publish them (in {@link WriteMode#POSITIONAL}). While a claim is
     * open (a record that spans batches) the records before it are written and published, and the claim's frame
     * follows when it is committed.
     *
     * @throws StorageSpaceException  when the disk refuses the write; the records stay staged.
     * @throws JournalFailedException when the write failed otherwise: the journal stops.
     */
    public void endBatch()
    {
        inBatch = false;
        if (!closed)
        {
            flushStage();
        }
    }

    /**
     * How this appender puts frames into segment files.
     *
     * @return the mode.
     */
    public WriteMode writeMode()
    {
        return positional ? WriteMode.POSITIONAL : WriteMode.MAPPED;
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
        if (frameOffset + alignedLength > stageLimit)
        {
            // positional only (the limit is Integer.MAX_VALUE when mapped): the frame and the zero after it must fit
            flushStage();
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
        FrameWriter.commit(segmentAddress + frameOffset, checksumView, frameOffset - checksumBase, frameLength,
            frameLength, checksum);

        final long sequence = nextSequence;
        final int indexedFrom = nextIndexOffset;
        tailOffset = nextFrameOffset;
        nextSequence = sequence + 1;
        if (frameOffset >= indexedFrom)
        {
            IndexDescriptor.putEntry(indexBuffer, indexEntry++, sequence, timestamp, frameOffset);
            nextIndexOffset = (frameOffset & -indexInterval) + indexInterval;
        }
        final long endPosition = basePosition + tailOffset;
        if (positional)
        {
            try
            {
                staged(timestamp);
                if (syncEveryRecord)
                {
                    flushStage();
                }
            }
            catch (final StorageSpaceException ex)
            {
                unstage(frameOffset, alignedLength, sequence, indexedFrom);
                throw ex;
            }
        }
        else
        {
            writerPositionCounter.setRelease(endPosition);
            nextSequenceCounter.setRelease(sequence + 1);
        }
        if (syncEveryRecord)
        {
            syncer.sync(endPosition);
        }
        return basePosition + frameOffset;
    }

    /**
     * Positional mode: take back the last record, whose write the disk refused, so that its append did not happen
     * (as {@link StorageSpaceException} promises) and may be retried; records staged before it stay staged.
     */
    private void unstage(final int frameOffset, final int alignedLength, final long sequence, final int indexedFrom)
    {
        UnsafeApi.setMemory(segmentAddress + frameOffset, alignedLength, (byte)0);
        tailOffset = frameOffset;
        nextSequence = sequence;
        if (frameOffset >= indexedFrom)
        {
            IndexDescriptor.putEntry(indexBuffer, --indexEntry, 0, 0, 0);
            nextIndexOffset = indexedFrom;
        }
        if (writtenOffset == frameOffset)
        {
            stagedSince = NOTHING_STAGED;
        }
    }

    private void staged(final long timestamp)
    {
        if (stagedSince == NOTHING_STAGED)
        {
            stagedSince = timestamp;
        }
        if (!inBatch && timestamp - stagedSince >= maxStagingDelayNanos)
        {
            flushStage();
        }
    }

    /**
     * Positional mode: write the staged bytes not yet written, with the zero length word after them, then publish
     * their end in the writer position counter; then, unless a claim is open in the stage, empty the stage (zeroed,
     * as the file is beyond the log) and start it at the tail. Mapped mode: nothing.
     */
    private void flushStage()
    {
        if (!positional)
        {
            return;
        }
        final int end = tailOffset;
        if (end > writtenOffset)
        {
            final int from = writtenOffset - stageStart;
            int to = end - stageStart;
            if (end <= segmentLength - Integer.BYTES)
            {
                // the length word after the last frame, zero in the stage: stale bytes beyond the log never read as
                // a frame, as in the mapped mode
                to += Integer.BYTES;
            }
            writeStage(from, to, writtenOffset);
            writtenOffset = end;
            stagedSince = NOTHING_STAGED;
            writerPositionCounter.setRelease(basePosition + end);
            nextSequenceCounter.setRelease(nextSequence);
        }
        if (claimFrameOffset < 0 && stageStart != end)
        {
            UnsafeApi.setMemory(stageAddress, Math.min(stageCapacity, end - stageStart + Integer.BYTES), (byte)0);
            restage(end);
        }
    }

    private void restage(final int offset)
    {
        stageStart = offset;
        writtenOffset = offset;
        checksumBase = offset;
        segmentAddress = stageAddress - offset;
        stageLimit = offset + stageCapacity - Integer.BYTES;
    }

    private void writeStage(final int from, final int to, final int fileOffset)
    {
        final ByteBuffer stage = this.stage;
        stage.limit(to).position(from);
        // A file channel closes itself when a thread blocked in it is interrupted, which would fail the journal: hold
        // a pending interrupt of the caller back across the write and give it back after.
        final boolean interrupted = Thread.interrupted();
        try
        {
            while (stage.hasRemaining())
            {
                channel.write(stage, fileOffset + (stage.position() - from));
            }
        }
        catch (final IOException ex)
        {
            final int done = stage.position() - from;
            if (isOutOfSpace(ex))
            {
                eraseRefusedWrite(fileOffset, done, ex);
                throw StorageSpaceException.ofWrite(channelPath, fileOffset + done, to - from - done, ex);
            }
            throw failure.fail(new UncheckedIOException("positional write failed: file=" + channelPath +
                " position=" + (fileOffset + done) + " length=" + (to - from - done), ex));
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void eraseRefusedWrite(final int fileOffset, final int done, final IOException refusal)
    {
        // A write cut short by a file size limit leaves what it copied before the limit, which may hold whole frames,
        // the refused record's among them: recovery would keep a record its append reported as not made. Zero it
        // (rewriting bytes below the limit needs no new space); the staged records stay staged and are written again.
        if (done == 0)
        {
            return;
        }
        final ByteBuffer zeros = ByteBuffer.allocate(done);
        try
        {
            while (zeros.hasRemaining())
            {
                channel.write(zeros, fileOffset + zeros.position());
            }
        }
        catch (final IOException ex)
        {
            ex.addSuppressed(refusal);
            throw failure.fail(new UncheckedIOException("cannot erase a refused positional write: file=" + channelPath +
                " position=" + fileOffset + " length=" + done, ex));
        }
    }

    private static boolean isOutOfSpace(final IOException ex)
    {
        // the JDK gives the errno only as strerror's text: ENOSPC, EDQUOT, EFBIG
        final String message = ex.getMessage();
        return message != null && (message.contains("No space left") || message.contains("quota") ||
            message.contains("File too large"));
    }

    private int roll()
    {
        // positional: write what is staged first, also when the last frame ends exactly at the segment's end and no
        // padding follows (jcstress found that frame published by the next segment's counter and never written)
        flushStage();
        if (tailOffset < segmentLength)
        {
            writePadding();
        }
        final long nextBase = basePosition + segmentLength;
        // If the next segment cannot be had (a full disk) this throws and the padded segment stays active, so a
        // later call retries the roll and a sync still reaches the end of the padding.
        final SegmentMapping next = unstarted != null ? unstarted : preparer.take(nextBase);
        final long creationTime = clock.nanoTime();
        if (positional)
        {
            // kept until its header is written: a full disk may refuse that write, and the retry uses this segment
            unstarted = next;
            startPositional(next, nextBase, creationTime);
            unstarted = null;
        }
        else
        {
            SegmentDescriptor.writeHeader(
                next.segment().buffer(), segmentLength, nextBase, nextSequence, creationTime, journalId, 0);
        }
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
        // positional: the roll wrote what was staged, so the stage starts at the padding and holds its header
        final int remaining = segmentLength - tailOffset;
        if (remaining >= HEADER_LENGTH)
        {
            final long frameAddress = segmentAddress + tailOffset;
            FrameWriter.writeHeader(
                frameAddress, nextSequence, lastTimestamp, FrameDescriptor.PADDING_TYPE, 0, uncheckedFlag, 0);
            FrameWriter.commit(
                frameAddress, checksumView, tailOffset - checksumBase, remaining, HEADER_LENGTH, checksum);
            if (positional)
            {
                // only the padding's header holds bytes; the rest of it is the file's zeros
                writeStage(0, HEADER_LENGTH, tailOffset);
                UnsafeApi.setMemory(stageAddress, HEADER_LENGTH, (byte)0);
            }
        }
        tailOffset = segmentLength;
        if (positional)
        {
            restage(segmentLength);
        }
        writerPositionCounter.setRelease(basePosition + segmentLength);
    }

    /**
     * Positional mode: write a new segment's header with a positional write, before its first frame. The stage is
     * empty here: the roll wrote everything before the padding.
     */
    private void startPositional(final SegmentMapping next, final long base, final long creationTime)
    {
        final SegmentMapping sealed = active;
        channel = next.channel();
        channelPath = next.segmentPath();
        try
        {
            SegmentDescriptor.writeHeader(stageBuffer, segmentLength, base, nextSequence, creationTime, journalId, 0);
            writeStage(0, SegmentDescriptor.HEADER_LENGTH, 0);
            UnsafeApi.setMemory(stageAddress, SegmentDescriptor.HEADER_LENGTH, (byte)0);
        }
        finally
        {
            channel = sealed.channel();
            channelPath = sealed.segmentPath();
        }
    }

    private void activate(
        final SegmentMapping mapping, final int offset, final int entries, final int nextIndexedOffset)
    {
        active = mapping;
        basePosition = mapping.basePosition();
        final long creationTime;
        if (positional)
        {
            channel = mapping.channel();
            channelPath = mapping.segmentPath();
            checksumView = stageChecksumView;
            creationTime = readCreationTime(mapping);
            restage(offset);
        }
        else
        {
            segmentAddress = mapping.segment().address();
            checksumView = mapping.segment().checksumView();
            creationTime = SegmentDescriptor.creationTime(mapping.segment().buffer());
        }
        indexBuffer = mapping.index().buffer();
        indexInterval = IndexDescriptor.interval(indexBuffer);
        tailOffset = offset;
        indexEntry = entries;
        nextIndexOffset = nextIndexedOffset;
        // a bound so far away that the deadline overflows is no bound
        rollDeadline = segmentMaxAgeNanos == 0 || creationTime > Long.MAX_VALUE - segmentMaxAgeNanos ?
            Long.MAX_VALUE : creationTime + segmentMaxAgeNanos;
        syncer.activate(mapping);
    }

    /** Positional mode: the segment's creation time, read from its header through the empty stage. */
    private long readCreationTime(final SegmentMapping mapping)
    {
        final ByteBuffer stage = this.stage;
        stage.limit(SegmentDescriptor.HEADER_LENGTH).position(0);
        try
        {
            while (stage.hasRemaining())
            {
                if (channel.read(stage, stage.position()) < 0)
                {
                    throw new IOException("segment file shorter than its header");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read segment header: file=" + mapping.segmentPath(), ex);
        }
        final long creationTime = SegmentDescriptor.creationTime(stageBuffer);
        UnsafeApi.setMemory(stageAddress, SegmentDescriptor.HEADER_LENGTH, (byte)0);
        return creationTime;
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
     * Stop accepting records; in {@link WriteMode#POSITIONAL} write the staged records out first, unless the journal
     * failed. The journal syncs and unmaps; see {@code Journal.close()}.
     *
     * @throws StorageSpaceException when staged records could not be written for lack of space; the appender is
     *                               closed all the same and those records are lost, as a crash would lose them.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            if (!failure.hasFailed())
            {
                // an open claim's frame is not written: it was never committed
                flushStage();
            }
        }
        finally
        {
            closed = true;
            if (unstarted != null)
            {
                unstarted.close();
                unstarted = null;
            }
        }
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
     * @param mapping       the tail segment, mapped read-write or (positional mode) open for positional writes, its
     *                      header written.
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
