package io.varve.journal.recovery;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameValidator;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.recovery.VerifyReport.Finding;
import io.varve.journal.recovery.VerifyReport.Severity;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

import static io.varve.journal.format.FrameDescriptor.HEADER_LENGTH;

/**
 * Checks a whole journal, read-only: every segment's header and place in the chain, every frame's length,
 * checksum, sequence and timestamp, and the index entries. It uses the same rule as recovery: damage below the
 * durable position is an error, damage beyond it a torn tail and a warning. It never writes, so it may run while
 * a writer appends (frames the writer adds during the check may or may not be seen).
 * <p>
 * Threading: NOT threadsafe; one verification at a time.
 */
public final class JournalVerifier
{
    private static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;

    private final Path directory;
    private final Set<String> allowedNames;
    private final FrameValidator validator = new FrameValidator();
    private final List<Finding> findings = new ArrayList<>();
    private LongConsumer progress = (bytes) -> {};
    private int segmentLength;
    private long journalId;
    private long durable = -1;
    private long records;
    private long bytes;
    private long endPosition;
    private int segmentsChecked;

    /**
     * A verifier for one journal.
     *
     * @param directory    of the journal.
     * @param allowedNames names besides the journal's own files that are not foreign.
     */
    public JournalVerifier(final Path directory, final Set<String> allowedNames)
    {
        this.directory = directory;
        this.allowedNames = allowedNames;
    }

    /**
     * Report progress as bytes of segments checked.
     *
     * @param progress called after each segment with the bytes checked so far.
     * @return this.
     */
    public JournalVerifier progress(final LongConsumer progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * Check the journal.
     *
     * @return what was found.
     * @throws io.varve.journal.JournalConfigurationException when the directory is not a journal at all.
     */
    public VerifyReport verify()
    {
        final JournalDirectory journalDirectory = new JournalDirectory(directory, Set.of());
        final JournalDirectory.Listing listing = journalDirectory.list(allowedNames);
        for (final String name : listing.foreignNames())
        {
            error(directory.resolve(name), -1, "foreign file in journal directory");
        }
        if (!MetadataFile.exists(directory))
        {
            error(directory.resolve(JournalDirectoryLayout.METADATA_FILE), -1, "metadata file missing");
            return report();
        }
        try (MetadataFile metadata = MetadataFile.open(directory, true))
        {
            segmentLength = metadata.segmentLength();
            journalId = metadata.journalId();
            checkDurableSlots(metadata);
        }
        catch (final JournalCorruptionException ex)
        {
            error(ex.file(), ex.offset(), ex.reason());
            return report();
        }
        checkSegments(listing.segmentBases());
        return report();
    }

    private void checkDurableSlots(final MetadataFile metadata)
    {
        if (!metadata.hasValidDurableSlot())
        {
            error(metadata.path(), MetadataDescriptor.DURABLE_SLOT_A_OFFSET, "both durable position slots are damaged");
            durable = 0;
            return;
        }
        durable = metadata.durablePositionFromSlots();
    }

    private void checkSegments(final long[] bases)
    {
        if (bases.length == 0)
        {
            if (durable > FIRST_FRAME + (durable & -(long)segmentLength))
            {
                error(directory, -1, "no segment files but the durable position is " + durable);
            }
            return;
        }
        final long durableBase = durable & -(long)segmentLength;
        if (durableBase < bases[0] && durable > durableBase + FIRST_FRAME)
        {
            // deleting the oldest segments is retention, unless they held the durable position
            error(directory.resolve(JournalDirectoryLayout.segmentFileName(durableBase)), -1,
                "segment holding the durable position was deleted: durablePosition=" + durable +
                " firstSegment=" + bases[0]);
            return;
        }
        long expectedSequence = -1;
        long minTimestamp = 0;
        boolean previousCompacted = false;
        for (int i = 0; i < bases.length; i++)
        {
            final long base = bases[i];
            final Path path = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
            if (base % segmentLength != 0)
            {
                error(path, -1, "foreign segment: name is not a multiple of the segment length: segmentLength=" +
                    segmentLength);
                return;
            }
            if (i > 0 && base != bases[i - 1] + segmentLength)
            {
                final long missing = bases[i - 1] + segmentLength;
                classify(directory.resolve(JournalDirectoryLayout.segmentFileName(missing)), missing, -1,
                    "segment file missing");
                return;
            }
            final boolean last = i == bases.length - 1 || (i == bases.length - 2 && isUnstarted(bases[i + 1]));
            final SegmentResult result = checkSegment(path, base, last, expectedSequence, minTimestamp,
                previousCompacted);
            segmentsChecked++;
            progress.accept((long)segmentsChecked * segmentLength);
            if (result == null)
            {
                return;
            }
            expectedSequence = result.nextSequence;
            minTimestamp = result.lastTimestamp;
            previousCompacted = result.compacted;
        }
        final long missing = bases[bases.length - 1] + segmentLength;
        if (durable > missing + FIRST_FRAME)
        {
            // the last segment ended full and the one holding the durable position is not there
            error(directory.resolve(JournalDirectoryLayout.segmentFileName(missing)), -1,
                "segment file missing: the log ends before the durable position " + durable);
        }
    }

    private boolean isUnstarted(final long base)
    {
        final UnsafeBuffer header =
            SegmentHeaderReader.read(directory.resolve(JournalDirectoryLayout.segmentFileName(base)));
        // a file too short to hold a header is a segment whose allocation a crash cut short: never started either
        return header == null || header.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0;
    }

    private record SegmentResult(long nextSequence, long lastTimestamp, boolean compacted)
    {
    }

    private SegmentResult checkSegment(
        final Path path,
        final long base,
        final boolean last,
        final long sequenceIn,
        final long timestampIn,
        final boolean previousCompacted)
    {
        final long size;
        try
        {
            size = Files.size(path);
        }
        catch (final IOException ex)
        {
            error(path, -1, "cannot read segment: " + ex);
            return null;
        }
        final UnsafeBuffer header = SegmentHeaderReader.read(path);
        final boolean compacted = header != null && header.getLong(SegmentDescriptor.MAGIC_OFFSET) != 0 &&
            SegmentDescriptor.isCompacted(header);
        if (size < segmentLength && !compacted || size < SegmentDescriptor.HEADER_LENGTH)
        {
            classify(path, base, -1, "segment file truncated: length=" + size + " expected=" + segmentLength);
            return null;
        }
        // a compacted segment holds only its kept frames, rounded up to a page
        try (MappedFile file = MappedFile.map(path, (int)Math.min(size, segmentLength), true))
        {
            final UnsafeBuffer segment = file.buffer();
            if (SegmentDescriptor.magicVolatile(segment) == 0)
            {
                if (!last || base + FIRST_FRAME < durable)
                {
                    classify(path, base, 0, "segment never started: header is zero");
                }
                return null;
            }
            final String headerProblem = SegmentDescriptor.validateHeader(segment, segmentLength, base, journalId);
            if (headerProblem != null)
            {
                classify(path, base, 0, headerProblem);
                return null;
            }
            final long baseSequence = SegmentDescriptor.baseSequence(segment);
            if (sequenceIn >= 0 && (previousCompacted ? baseSequence < sequenceIn : baseSequence != sequenceIn))
            {
                classify(path, base, SegmentDescriptor.BASE_SEQUENCE_OFFSET,
                    "segment base sequence: expected=" + sequenceIn + " found=" + baseSequence);
                return null;
            }
            return checkFrames(file, path, base, last, baseSequence, timestampIn, compacted);
        }
        catch (final IOException ex)
        {
            error(path, -1, "cannot map segment: " + ex);
            return null;
        }
    }

    private SegmentResult checkFrames(
        final MappedFile file,
        final Path path,
        final long base,
        final boolean last,
        final long baseSequence,
        final long timestampIn,
        final boolean compacted)
    {
        final UnsafeBuffer segment = file.buffer();
        final int end = file.length();
        final IndexCheck index = new IndexCheck(base);
        long sequence = baseSequence;
        long timestamp = timestampIn;
        int offset = FIRST_FRAME;
        while (offset <= end - HEADER_LENGTH)
        {
            final int frameLength = segment.getIntVolatile(offset);
            if (frameLength == 0 && compacted)
            {
                break;
            }
            if (frameLength == 0)
            {
                if (!last)
                {
                    classify(path, base + offset, offset, "frame length is zero before the end of a sealed segment");
                    index.close();
                    return null;
                }
                endPosition = base + offset;
                if (base + offset < durable)
                {
                    // the log ends here, yet everything up to the durable position was forced: frames were lost
                    error(path, offset, "frame length is zero below the durable position: durablePosition=" +
                        durable);
                }
                else
                {
                    checkZeroAfter(segment, path, base, offset);
                }
                index.close();
                return null;
            }
            final String problem = validator.validate(segment, file.checksumView(), offset, frameLength,
                end, sequence, timestamp, true, compacted);
            if (problem != null)
            {
                classify(path, base + offset, offset, problem);
                index.close();
                return null;
            }
            final int aligned = FrameDescriptor.alignedLength(frameLength);
            bytes += aligned;
            endPosition = base + offset + aligned;
            if (FrameDescriptor.type(segment, offset) == FrameDescriptor.PADDING_TYPE)
            {
                break;
            }
            timestamp = FrameDescriptor.timestamp(segment, offset);
            sequence = FrameDescriptor.sequence(segment, offset);
            index.onFrame(path, offset, sequence, timestamp);
            records++;
            sequence++;
            offset += aligned;
        }
        index.close();
        return new SegmentResult(sequence, timestamp, compacted);
    }

    private void checkZeroAfter(final UnsafeBuffer segment, final Path path, final long base, final int end)
    {
        for (int i = end; i < segmentLength; i += Long.BYTES)
        {
            if (segment.getLong(i) != 0)
            {
                // reported where the log ends, as recovery reports it: a torn frame starts there, not at its
                // first non-zero byte
                classify(path, base + end, end, "non-zero bytes after the end of the log: first at offset=" + i);
                return;
            }
        }
    }

    private void classify(final Path file, final long position, final long offset, final String reason)
    {
        if (position < durable)
        {
            error(file, offset, reason);
        }
        else
        {
            warning(file, offset, reason + " (beyond the durable position " + durable + ": a torn, unsynced tail)");
        }
    }

    private void error(final Path file, final long offset, final String reason)
    {
        findings.add(new Finding(Severity.ERROR, file, offset, reason));
    }

    private void warning(final Path file, final long offset, final String reason)
    {
        findings.add(new Finding(Severity.WARNING, file, offset, reason));
    }

    private VerifyReport report()
    {
        return new VerifyReport(durable, segmentsChecked, records, bytes, endPosition, List.copyOf(findings));
    }

    /**
     * Checks that a segment's index entries point at the frames the writer indexes. Damage is a warning: the index
     * is derived data that recovery rebuilds and readers check before use.
     */
    private final class IndexCheck implements AutoCloseable
    {
        private final Path path;
        private MappedFile file;
        private int interval;
        private int capacity;
        private int entry;
        private int nextIndexOffset;
        private boolean reported;

        private IndexCheck(final long base)
        {
            path = directory.resolve(JournalDirectoryLayout.indexFileName(base));
            try
            {
                final long size = Files.exists(path) ? Files.size(path) : -1;
                if (size < IndexDescriptor.HEADER_LENGTH)
                {
                    report(-1, size < 0 ? "index file missing" : "index file truncated");
                    return;
                }
                file = MappedFile.map(path, (int)Math.min(size, Integer.MAX_VALUE), true);
                final UnsafeBuffer buffer = file.buffer();
                if (!IndexDescriptor.isHeaderValid(buffer, base, journalId) ||
                    size < IndexDescriptor.fileLength(segmentLength, IndexDescriptor.interval(buffer)))
                {
                    report(0, "index header damaged");
                    close();
                    return;
                }
                interval = IndexDescriptor.interval(buffer);
                capacity = IndexDescriptor.capacity(segmentLength, interval);
            }
            catch (final IOException ex)
            {
                report(-1, "cannot map index: " + ex);
            }
        }

        private void onFrame(final Path segment, final int frameOffset, final long sequence, final long timestamp)
        {
            if (file == null || frameOffset < nextIndexOffset || entry >= capacity)
            {
                return;
            }
            final UnsafeBuffer buffer = file.buffer();
            final int indexed = IndexDescriptor.frameOffsetVolatile(buffer, entry);
            if (indexed != 0 && (indexed != frameOffset || IndexDescriptor.sequence(buffer, entry) != sequence ||
                IndexDescriptor.timestamp(buffer, entry) != timestamp))
            {
                report(IndexDescriptor.entryOffset(entry), "index entry does not match frame at offset " +
                    frameOffset + " of " + segment.getFileName() + ": entry=" + entry + " indexedOffset=" + indexed);
            }
            entry++;
            nextIndexOffset = (frameOffset & -interval) + interval;
        }

        private void report(final long offset, final String reason)
        {
            if (!reported)
            {
                reported = true;
                warning(path, offset, reason + " (derived data: recovery rebuilds it, readers fall back to scanning)");
            }
        }

        public void close()
        {
            if (file != null)
            {
                file.close();
                file = null;
            }
        }
    }
}
