package io.varve.journal.recovery;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link JournalVerifier} found.
 *
 * @param durablePosition  from the metadata file, or -1 when it could not be read.
 * @param segments         started segment files whose frames were read (the one allocated ahead is not one).
 * @param allocatedAhead   1 when the writer's next segment is allocated ahead and not started, else 0.
 * @param records          valid records found.
 * @param uncheckedRecords of those, records written without a checksum ({@code --no-checksums}): their structure
 *                         was checked, their bytes could not be.
 * @param bytes            bytes of valid frames, headers and alignment included.
 * @param uncheckedBytes   of those, bytes of the unchecked records.
 * @param endPosition      end of the log: the end of the last valid frame of the tail segment.
 * @param segmentResults   one per segment file read or reported, in position order.
 * @param findings         errors, warnings and notes, in chain order.
 */
public record VerifyReport(
    long durablePosition,
    int segments,
    int allocatedAhead,
    long records,
    long uncheckedRecords,
    long bytes,
    long uncheckedBytes,
    long endPosition,
    List<SegmentResult> segmentResults,
    List<Finding> findings)
{
    /**
     * What one segment holds.
     *
     * @param file             the segment file.
     * @param basePosition     of the segment.
     * @param verdict          intact, damaged, torn beyond the durable position, allocated ahead, or missing.
     * @param records          valid records read before any damage.
     * @param uncheckedRecords of those, records written without a checksum.
     */
    public record SegmentResult(Path file, long basePosition, Verdict verdict, long records, long uncheckedRecords)
    {
    }

    /**
     * The state of one segment.
     */
    public enum Verdict
    {
        /** Every frame and the header check out. */
        INTACT,
        /** Damage below the durable position, or the file is not the journal's. */
        DAMAGED,
        /** Damage beyond the durable position only: a torn, unsynced tail that recovery truncates. */
        TORN,
        /** Allocated ahead of the writer and not started: no frames. */
        ALLOCATED_AHEAD,
        /** Not there, though segments after it are: the first file of a gap in the chain. */
        MISSING
    }

    /**
     * How bad a finding is.
     */
    public enum Severity
    {
        /** Damage below the durable position, or a missing, truncated or foreign file: data that was durable. */
        ERROR,
        /** Damage beyond the durable position (a torn, unsynced tail) or in derived data such as an index. */
        WARNING,
        /** Not damage: a file the journal left behind and deletes on its next open, or a fact worth knowing. */
        NOTE
    }

    /**
     * One problem.
     *
     * @param severity how bad.
     * @param file     where.
     * @param offset   in the file, or -1 for the file as a whole.
     * @param reason   what is wrong, with expected and found values.
     */
    public record Finding(Severity severity, Path file, long offset, String reason)
    {
        /**
         * The {@code FILE OFFSET REASON} line {@code varve verify} prints.
         *
         * @return the line.
         */
        public String toString()
        {
            return file + " " + offset + " " + reason;
        }
    }

    /**
     * Whether anything durable is damaged.
     *
     * @return true when there is at least one error.
     */
    public boolean hasErrors()
    {
        return firstError() != null;
    }

    /**
     * Segments with the given verdict.
     *
     * @param verdict to count.
     * @return how many segments have it.
     */
    public int segmentsWith(final Verdict verdict)
    {
        int count = 0;
        for (final SegmentResult result : segmentResults)
        {
            if (result.verdict() == verdict)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * The first error.
     *
     * @return the finding, or null.
     */
    public Finding firstError()
    {
        for (final Finding finding : findings)
        {
            if (finding.severity() == Severity.ERROR)
            {
                return finding;
            }
        }
        return null;
    }
}
