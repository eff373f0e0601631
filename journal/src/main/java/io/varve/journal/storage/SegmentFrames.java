package io.varve.journal.storage;

import io.varve.journal.format.FrameReader;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Walks the chain of a journal's segment files, one segment at a time, and reads each one's frames through a
 * {@link FrameReader}: the one place that decides whether a segment file may be read (its length, its header, its
 * journal), which rules its frames follow (live or compacted) and whether it continues the segment before it (its
 * base sequence). Recovery, {@code varve verify}, compaction, backup and {@code varve dump} walk the journal with it;
 * tailers read the same files through the same {@link FrameReader}.
 * <p>
 * Use: {@link #open(long)} each base in position order, check {@link #continues(long, boolean)} against where the
 * previous segment ended, then read {@link #frames()}; when they return {@link FrameReader#END_OF_SEGMENT}, call
 * {@link #checkEnd(long)}, which checks a compacted segment whole against its trailer.
 * <p>
 * Threading: NOT threadsafe; each user owns one.
 */
public final class SegmentFrames implements AutoCloseable
{
    /** The segment is mapped and its header checks out. */
    public static final int OPENED = 1;
    /** The file exists, but the writer has not started it (its magic is zero): it holds no frames. */
    public static final int NOT_STARTED = 0;
    /** No such file. */
    public static final int MISSING = -1;
    /** The file cannot be read as this journal's segment; see {@link #problem()}. */
    public static final int DAMAGED = -2;

    private final Path directory;
    private final int segmentLength;
    private final long journalId;
    private final boolean writable;
    private final FrameReader frames;

    private boolean acceptTruncated;
    private MappedFile file;
    private UnsafeBuffer header;
    private long base = -1;
    private Path path;
    private boolean compacted;
    private boolean sealed;
    private int fileLength;
    private int limit;
    private String problem;
    private long problemOffset;

    /**
     * A walker of one journal's segment chain.
     *
     * @param directory       of the journal.
     * @param segmentLength   of the journal, from its metadata.
     * @param journalId       of the journal, from its metadata.
     * @param verifyChecksums false to skip frame CRCs.
     * @param writable        true to map read-write (recovery repairs in place); false never writes.
     */
    public SegmentFrames(
        final Path directory,
        final int segmentLength,
        final long journalId,
        final boolean verifyChecksums,
        final boolean writable)
    {
        this.directory = directory;
        this.segmentLength = segmentLength;
        this.journalId = journalId;
        this.writable = writable;
        this.frames = new FrameReader(verifyChecksums);
    }

    /**
     * Whether {@link #open(long)} reads a live segment whose file is shorter than the segment length (cut by a crash
     * or by hand) instead of calling it {@link #DAMAGED}: its frames are then read up to where its bytes end, and
     * {@link #isTruncated()} says so. Recovery repairs such a file and keeps the frames it still holds; readers that
     * only report leave this off. Default false.
     *
     * @param acceptTruncated true to open truncated live segments.
     * @return this.
     */
    public SegmentFrames acceptTruncated(final boolean acceptTruncated)
    {
        this.acceptTruncated = acceptTruncated;
        return this;
    }

    /**
     * Map a segment and check its header; on success {@link #frames()} is at its first frame.
     *
     * @param basePosition of the segment.
     * @return {@link #OPENED}, {@link #NOT_STARTED}, {@link #MISSING} or {@link #DAMAGED}.
     */
    public int open(final long basePosition)
    {
        final int status = readHeader(basePosition);
        if (status != OPENED)
        {
            return status;
        }
        try
        {
            file = MappedFile.map(path, fileLength, !writable);
        }
        catch (final NoSuchFileException ex)
        {
            return MISSING; // deleted since its header was read (retention beside a reader)
        }
        catch (final IOException ex)
        {
            return damaged(describe(ex));
        }
        final UnsafeBuffer buffer = file.buffer();
        final String mappedProblem = SegmentDescriptor.validateHeader(buffer, segmentLength, basePosition, journalId);
        if (mappedProblem != null)
        {
            // changed between the two reads: replaced under us
            closeFile();
            problemOffset = 0;
            return damaged(mappedProblem + " (replaced while being read?)");
        }
        sealed = compacted && SegmentDescriptor.hasTrailer(buffer);
        if (sealed)
        {
            final String trailerProblem = SegmentDescriptor.validateTrailer(buffer, fileLength);
            if (trailerProblem != null)
            {
                closeFile();
                return damaged(trailerProblem);
            }
            limit = SegmentDescriptor.trailerFramesEnd(buffer, fileLength);
        }
        else
        {
            limit = fileLength;
        }
        frames.wrap(buffer, file.checksumView(), limit, sealed ? FrameReader.COMPACTED_SEALED :
            compacted ? FrameReader.COMPACTED_OPEN_END : FrameReader.LIVE);
        return OPENED;
    }

    /**
     * Check a segment's header and length as {@link #open(long)} does, with one read of the header and without
     * mapping the file: for walks that need only the headers, such as finding the last started segment. On
     * {@link #OPENED} the header's values ({@link #baseSequence()}, {@link #isCompacted()}) can be read, but
     * {@link #file()} is null and there are no {@link #frames()} to read.
     *
     * @param basePosition of the segment.
     * @return {@link #OPENED}, {@link #NOT_STARTED}, {@link #MISSING} or {@link #DAMAGED}.
     */
    public int readHeader(final long basePosition)
    {
        closeFile();
        header = null;
        fileLength = 0;
        base = basePosition;
        path = directory.resolve(JournalDirectoryLayout.segmentFileName(basePosition));
        compacted = false;
        sealed = false;
        problem = null;
        problemOffset = -1;
        final long size;
        try
        {
            size = Files.size(path);
        }
        catch (final NoSuchFileException ex)
        {
            return MISSING;
        }
        catch (final IOException ex)
        {
            return damaged(describe(ex));
        }
        fileLength = (int)Math.min(size, Integer.MAX_VALUE);
        header = SegmentHeaderReader.read(path);
        if (header == null)
        {
            // deleted since its size was read (retention beside a reader) is not a short file
            return Files.exists(path) ?
                damaged("segment file shorter than its header: length=" + size + " expected=" + segmentLength) :
                MISSING;
        }
        if (header.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0)
        {
            return NOT_STARTED;
        }
        final String headerProblem = SegmentDescriptor.validateHeader(header, segmentLength, basePosition, journalId);
        if (headerProblem != null)
        {
            problemOffset = 0;
            return damaged(headerProblem);
        }
        compacted = SegmentDescriptor.isCompacted(header);
        if (size < segmentLength && !compacted && !acceptTruncated)
        {
            return damaged("segment file truncated: length=" + size + " expected=" + segmentLength);
        }
        if (size > segmentLength)
        {
            return damaged("segment file longer than the segment length: length=" + size + " expected=" +
                segmentLength);
        }
        return OPENED;
    }

    /**
     * Length of the file the last {@link #open(long)} or {@link #readHeader(long)} found.
     *
     * @return bytes, or 0 when it was not read (missing, or unreadable).
     */
    public int fileLength()
    {
        return fileLength;
    }

    /**
     * Whether the open segment continues the one before it: its base sequence must be the next sequence, or (after
     * a compacted segment, or when this one is compacted) at least that, since compaction drops records; or a repair
     * went on above the sequences of durable records it dropped, and {@link RepairLog} records exactly that gap.
     *
     * @param expectedSequence the sequence after the previous segment's last record.
     * @param afterCompacted   true when the previous segment was compacted.
     * @return null when it continues, else the reason with expected and found values.
     */
    public String continues(final long expectedSequence, final boolean afterCompacted)
    {
        return continues(directory, base, baseSequence(), compacted, expectedSequence, afterCompacted);
    }

    /**
     * The base-sequence rule of {@link #continues(long, boolean)}, for readers that map segments themselves (tailers).
     *
     * @param directory        of the journal, where {@link RepairLog} lives.
     * @param segmentBase      base position of the segment.
     * @param baseSequence     of the segment.
     * @param compacted        true when the segment is compacted.
     * @param expectedSequence the sequence after the previous segment's last record.
     * @param afterCompacted   true when the previous segment was compacted.
     * @return null when it continues, else the reason with expected and found values.
     */
    public static String continues(
        final Path directory,
        final long segmentBase,
        final long baseSequence,
        final boolean compacted,
        final long expectedSequence,
        final boolean afterCompacted)
    {
        if (afterCompacted || compacted ? baseSequence < expectedSequence : baseSequence != expectedSequence)
        {
            // read only on a mismatch, which is rare: the log is small and a gap is the one exception it holds
            if (RepairLog.recordsGap(directory, segmentBase, expectedSequence, baseSequence))
            {
                return null;
            }
            return "segment base sequence: expected=" + (afterCompacted || compacted ? "at least " : "") +
                expectedSequence + " found=" + baseSequence;
        }
        return null;
    }

    /**
     * Checks the whole of the open segment once a walk has reached its end ({@link FrameReader#next()} returned
     * {@link FrameReader#END_OF_SEGMENT}). For a compacted segment of format version 2 (whose trailer says where its
     * frames end, how many records it holds and their CRC32C): the walk must have stopped exactly at the frames end,
     * have read as many records as the trailer counts, and the CRC32C over the frames must match, which catches a
     * flipped byte even in frames written without checksums. Other segments have nothing more to check: their end is
     * a valid padding frame, too few bytes for a header, or (format 1 compacted) the first zero length.
     *
     * @param recordsRead records the walk read from the segment's first frame, or -1 when it started elsewhere (an
     *                    index entry): the count is then not checked, the end and the checksum still are.
     * @return null when the segment is whole, else the reason, in "what: expected=x found=y" form; report it at
     *         {@link FrameReader#offset()}.
     */
    public String checkEnd(final long recordsRead)
    {
        if (!sealed)
        {
            return null;
        }
        if (frames.offset() != limit)
        {
            return "compacted segment frames end: expected=" + limit + " found=" + frames.offset();
        }
        final UnsafeBuffer buffer = file.buffer();
        return SegmentDescriptor.checkFrames(buffer, fileLength,
            recordsRead < 0 ? SegmentDescriptor.trailerFrameCount(buffer, fileLength) : recordsRead);
    }

    private int damaged(final String reason)
    {
        problem = reason;
        return DAMAGED;
    }

    private String describe(final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied: cannot read segment file " + path;
        }
        return "cannot read segment file: " + ex;
    }

    /**
     * The frames of the open segment.
     *
     * @return the reader, positioned at the first frame after {@link #open(long)}.
     */
    public FrameReader frames()
    {
        return frames;
    }

    /**
     * Why the last {@link #open(long)} returned {@link #DAMAGED}.
     *
     * @return the reason, or null.
     */
    public String problem()
    {
        return problem;
    }

    /**
     * Where in the file the problem of the last {@link #open(long)} that returned {@link #DAMAGED} lies.
     *
     * @return 0 for the header, -1 for the file as a whole (its length, or a failure to read it).
     */
    public long problemOffset()
    {
        return problemOffset;
    }

    /**
     * Base position of the segment last opened.
     *
     * @return the position.
     */
    public long base()
    {
        return base;
    }

    /**
     * Path of the segment last opened.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The mapped segment.
     *
     * @return the file, or null when the last open did not map it.
     */
    public MappedFile file()
    {
        return file;
    }

    /**
     * Base sequence of the open segment.
     *
     * @return the sequence of its first record.
     */
    public long baseSequence()
    {
        return SegmentDescriptor.baseSequence(file != null ? file.buffer() : header);
    }

    /**
     * Whether compaction rewrote the open segment.
     *
     * @return true when compacted.
     */
    public boolean isCompacted()
    {
        return compacted;
    }

    /**
     * Whether the open segment is compacted with a trailer (format version 2): its frames end where the trailer says,
     * and {@link #checkEnd(long)} checks them whole.
     *
     * @return true when its frames are read as {@link FrameReader#COMPACTED_SEALED}.
     */
    public boolean isSealedCompacted()
    {
        return sealed;
    }

    /**
     * Whether the open segment is a live segment whose file is shorter than the segment length, opened because of
     * {@link #acceptTruncated(boolean)}: its frames end where its bytes do, and the end of its frames is not the end
     * of the segment.
     *
     * @return true when truncated.
     */
    public boolean isTruncated()
    {
        return !compacted && limit < segmentLength;
    }

    /**
     * Where the open segment's frames end.
     *
     * @return the segment length, a format 1 compacted segment's file length, or a format 2 compacted segment's
     *         frames end.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * The journal's segment length.
     *
     * @return bytes.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    private void closeFile()
    {
        if (file != null)
        {
            file.close();
            file = null;
        }
    }

    /**
     * Unmap the open segment.
     */
    public void close()
    {
        closeFile();
    }
}
