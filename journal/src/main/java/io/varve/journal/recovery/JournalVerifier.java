package io.varve.journal.recovery;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.recovery.VerifyReport.Finding;
import io.varve.journal.recovery.VerifyReport.SegmentResult;
import io.varve.journal.recovery.VerifyReport.Severity;
import io.varve.journal.recovery.VerifyReport.Verdict;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.SegmentFrames;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Checks a whole journal, read-only: the directory and chain through {@link JournalStructure} (the check that
 * {@code varve dump}, {@code describe} and {@code stat} share), then every frame of every segment through
 * {@link SegmentFrames} and {@link FrameReader}, and the index entries against the frames read. It uses recovery's
 * rule: damage below the durable position is an error, damage beyond it a torn tail and a warning. After damage it
 * goes on with the next segment, taking that segment's base sequence as given, so the report shows every later
 * segment as intact or damaged. Records written without checksums are counted apart: nothing could check their
 * bytes. It never writes, so it may run while a writer appends (frames the writer adds during the check may or may
 * not be seen).
 * <p>
 * Threading: NOT threadsafe; one verification at a time.
 */
public final class JournalVerifier
{
    private static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;

    private final Path directory;
    private final Set<String> allowedNames;
    private final List<Finding> findings = new ArrayList<>();
    private final List<SegmentResult> segmentResults = new ArrayList<>();
    private LongConsumer progress = (bytes) -> {};
    private int segmentLength;
    private long journalId;
    private long durable = -1;
    private long records;
    private long uncheckedRecords;
    private long bytes;
    private long uncheckedBytes;
    private long endPosition = -1;
    private int segmentsChecked;
    private int allocatedAhead;
    private Severity segmentWorst;

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
        final JournalStructure structure = JournalStructure.check(directory, allowedNames);
        findings.addAll(structure.generalFindings());
        durable = structure.durablePosition();
        if (!structure.metadataReadable())
        {
            return report();
        }
        segmentLength = structure.segmentLength();
        journalId = structure.journalId();
        checkSegments(structure.segments());
        findings.addAll(structure.trailingFindings());
        if (endPosition < 0)
        {
            // no started segment: the log ends where it starts, at or beyond the durable position
            final List<JournalStructure.Segment> segments = structure.segments();
            endPosition = segments.isEmpty() ? Math.max(durable, FIRST_FRAME) :
                segments.get(segments.size() - 1).base() + FIRST_FRAME;
        }
        return report();
    }

    private void checkSegments(final List<JournalStructure.Segment> segments)
    {
        long expectedSequence = -1;
        long lastTimestamp = Long.MIN_VALUE;
        boolean previousCompacted = false;
        try (SegmentFrames segmentFrames = new SegmentFrames(directory, segmentLength, journalId, true, false)
            .acceptTruncated(true))
        {
            long previousBase = -1;
            for (final JournalStructure.Segment segment : segments)
            {
                if (previousBase >= 0 && segment.base() != previousBase + segmentLength)
                {
                    final long missing = previousBase + segmentLength;
                    segmentResults.add(new SegmentResult(directory.resolve(JournalDirectoryLayout.segmentFileName(
                        missing)), missing, Verdict.MISSING, 0, 0));
                }
                previousBase = segment.base();
                segmentWorst = null;
                for (final Finding finding : segment.findings())
                {
                    findings.add(finding);
                    if (finding.file().equals(segment.path()))
                    {
                        // a gap before the segment is reported against the missing file, not against this one
                        worse(finding.severity());
                    }
                }
                if (segment.role() == JournalStructure.AHEAD)
                {
                    allocatedAhead = 1;
                    segmentResults.add(
                        new SegmentResult(segment.path(), segment.base(), Verdict.ALLOCATED_AHEAD, 0, 0));
                    continue;
                }
                if (segment.role() == JournalStructure.UNREADABLE)
                {
                    result(segment, 0, 0);
                    expectedSequence = -1;
                    continue;
                }
                final int state = segmentFrames.open(segment.base());
                if (state != SegmentFrames.OPENED)
                {
                    // replaced, deleted or started since the structure check looked at it
                    warning(segment.path(), -1, "segment changed while being verified: " +
                        (state == SegmentFrames.DAMAGED ? segmentFrames.problem() : "state=" + state));
                    result(segment, 0, 0);
                    expectedSequence = -1;
                    continue;
                }
                if (segment.afterGap() || expectedSequence < 0)
                {
                    // after damage or a gap: take this segment's base sequence as given and go on
                    lastTimestamp = Long.MIN_VALUE;
                }
                else
                {
                    final String problem = segmentFrames.continues(expectedSequence, previousCompacted);
                    if (problem != null)
                    {
                        classify(segment.path(), segment.base(), SegmentDescriptor.BASE_SEQUENCE_OFFSET, problem);
                        lastTimestamp = Long.MIN_VALUE;
                    }
                }
                final FrameReader frames = segmentFrames.frames();
                frames.position(FIRST_FRAME, frames.nextSequence(), lastTimestamp);
                final long recordsBefore = records;
                final long uncheckedBefore = frames.uncheckedFrames();
                final boolean intact = checkFrames(segmentFrames, segment);
                segmentsChecked++;
                progress.accept((long)segmentsChecked * segmentLength);
                uncheckedRecords += frames.uncheckedFrames() - uncheckedBefore;
                result(segment, records - recordsBefore, frames.uncheckedFrames() - uncheckedBefore);
                expectedSequence = intact ? frames.nextSequence() : -1;
                lastTimestamp = frames.lastTimestamp();
                previousCompacted = segmentFrames.isCompacted();
            }
        }
    }

    private void result(final JournalStructure.Segment segment, final long records, final long unchecked)
    {
        final Verdict verdict = segmentWorst == Severity.ERROR ? Verdict.DAMAGED :
            segmentWorst == Severity.WARNING ? Verdict.TORN : Verdict.INTACT;
        segmentResults.add(new SegmentResult(segment.path(), segment.base(), verdict, records, unchecked));
    }

    /**
     * Read a segment's frames to their end.
     *
     * @return true when they end where a segment's frames may end, so the next segment's base sequence can be
     * checked against the last one read.
     */
    private boolean checkFrames(final SegmentFrames segmentFrames, final JournalStructure.Segment segment)
    {
        final FrameReader frames = segmentFrames.frames();
        final Path path = segment.path();
        final long base = segment.base();
        final boolean tail = segment.role() == JournalStructure.TAIL;
        long segmentRecords = 0;
        try (IndexCheck index = new IndexCheck(base))
        {
            while (true)
            {
                final int result = frames.next();
                final int offset = frames.offset();
                if (result == FrameReader.RECORD)
                {
                    index.onFrame(path, offset, frames.sequence(), frames.timestamp());
                    final int aligned = frames.alignedLength();
                    bytes += aligned;
                    if ((frames.flags() & FrameDescriptor.FLAG_UNCHECKED) != 0)
                    {
                        uncheckedBytes += aligned;
                    }
                    records++;
                    segmentRecords++;
                    frames.advance();
                    if (tail)
                    {
                        endPosition = base + frames.offset();
                    }
                    continue;
                }
                if (segmentFrames.isTruncated() && (result == FrameReader.END_OF_SEGMENT ||
                    (result == FrameReader.DAMAGED && frames.frameLength() > frames.limit() - offset)))
                {
                    // the structure check reported the cut; the frames before it were read and counted
                    return false;
                }
                if (result == FrameReader.END_OF_SEGMENT)
                {
                    final String incomplete = segmentFrames.checkEnd(segmentRecords);
                    if (incomplete != null)
                    {
                        classify(path, base + offset, offset, incomplete);
                        return false;
                    }
                    if (frames.limit() - offset >= FrameDescriptor.HEADER_LENGTH && frames.frameLength() > 0)
                    {
                        // a padding frame, checked like any other, runs to the end of the segment
                        bytes += frames.alignedLength();
                        if (tail)
                        {
                            endPosition = base + frames.limit();
                        }
                    }
                    return true;
                }
                if (result == FrameReader.NOT_WRITTEN)
                {
                    if (!tail)
                    {
                        classify(path, base + offset, offset, "frame length is zero before the end of a sealed " +
                            "segment");
                        return false;
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
                        checkZeroAfter(segmentFrames.file().buffer(), path, base, offset);
                    }
                    return true;
                }
                classify(path, base + offset, offset, frames.reason());
                return false;
            }
        }
    }

    private void checkZeroAfter(final UnsafeBuffer segment, final Path path, final long base, final int end)
    {
        final int capacity = segment.capacity();
        int i = end;
        while (i <= capacity - Long.BYTES && segment.getLong(i) == 0)
        {
            i += Long.BYTES;
        }
        // a byte at a time where fewer than 8 remain: a file cut short need not end on a word
        while (i < capacity && segment.getByte(i) == 0)
        {
            i++;
        }
        if (i < capacity)
        {
            // reported where the log ends, as recovery reports it: a torn frame starts there, not at its
            // first non-zero byte
            classify(path, base + end, end, "non-zero bytes after the end of the log: first at offset=" + i);
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
        worse(Severity.ERROR);
    }

    private void warning(final Path file, final long offset, final String reason)
    {
        findings.add(new Finding(Severity.WARNING, file, offset, reason));
        worse(Severity.WARNING);
    }

    private void worse(final Severity severity)
    {
        if (severity == Severity.ERROR || severity == Severity.WARNING && segmentWorst != Severity.ERROR)
        {
            segmentWorst = severity;
        }
    }

    private VerifyReport report()
    {
        return new VerifyReport(durable, segmentsChecked, allocatedAhead, records, uncheckedRecords, bytes,
            uncheckedBytes, Math.max(endPosition, 0), List.copyOf(segmentResults), List.copyOf(findings));
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
                // derived data: not a verdict on the segment's records
                findings.add(new Finding(Severity.WARNING, path, offset,
                    reason + " (derived data: recovery rebuilds it, readers fall back to scanning)"));
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
