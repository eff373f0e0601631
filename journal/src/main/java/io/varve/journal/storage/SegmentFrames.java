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
 * previous segment ended, then read {@link #frames()}.
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

    private MappedFile file;
    private long base = -1;
    private Path path;
    private boolean compacted;
    private int limit;
    private String problem;

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
     * Map a segment and check its header; on success {@link #frames()} is at its first frame.
     *
     * @param basePosition of the segment.
     * @return {@link #OPENED}, {@link #NOT_STARTED}, {@link #MISSING} or {@link #DAMAGED}.
     */
    public int open(final long basePosition)
    {
        closeFile();
        base = basePosition;
        path = directory.resolve(JournalDirectoryLayout.segmentFileName(basePosition));
        compacted = false;
        problem = null;
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
        final UnsafeBuffer header = SegmentHeaderReader.read(path);
        if (header == null)
        {
            return damaged("segment file shorter than its header: length=" + size + " expected=" + segmentLength);
        }
        if (header.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0)
        {
            return NOT_STARTED;
        }
        final String headerProblem = SegmentDescriptor.validateHeader(header, segmentLength, basePosition, journalId);
        if (headerProblem != null)
        {
            return damaged(headerProblem);
        }
        compacted = SegmentDescriptor.isCompacted(header);
        if (size < segmentLength && !compacted)
        {
            return damaged("segment file truncated: length=" + size + " expected=" + segmentLength);
        }
        if (size > segmentLength)
        {
            return damaged("segment file longer than the segment length: length=" + size + " expected=" +
                segmentLength);
        }
        try
        {
            file = MappedFile.map(path, (int)size, !writable);
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
            return damaged(mappedProblem + " (replaced while being read?)");
        }
        limit = (int)size;
        frames.wrap(buffer, file.checksumView(), limit, compacted ? FrameReader.COMPACTED_OPEN_END : FrameReader.LIVE);
        return OPENED;
    }

    /**
     * Whether the open segment continues the one before it: its base sequence must be the next sequence, or (after
     * a compacted segment, or when this one is compacted) at least that, since compaction drops records.
     *
     * @param expectedSequence the sequence after the previous segment's last record.
     * @param afterCompacted   true when the previous segment was compacted.
     * @return null when it continues, else the reason with expected and found values.
     */
    public String continues(final long expectedSequence, final boolean afterCompacted)
    {
        final long baseSequence = SegmentDescriptor.baseSequence(file.buffer());
        if (afterCompacted || compacted ? baseSequence < expectedSequence : baseSequence != expectedSequence)
        {
            return "segment base sequence: expected=" + (afterCompacted || compacted ? "at least " : "") +
                expectedSequence + " found=" + baseSequence;
        }
        return null;
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
        return SegmentDescriptor.baseSequence(file.buffer());
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
     * Where the open segment's frames end.
     *
     * @return the segment length, or a compacted segment's end of frames.
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
