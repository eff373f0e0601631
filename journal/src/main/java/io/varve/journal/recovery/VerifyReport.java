package io.varve.journal.recovery;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link JournalVerifier} found.
 *
 * @param durablePosition from the metadata file, or -1 when it could not be read.
 * @param segments        segment files checked.
 * @param records         valid records found.
 * @param bytes           bytes of valid frames, headers and alignment included.
 * @param endPosition     end of the last valid frame.
 * @param findings        errors and warnings, in the order found.
 */
public record VerifyReport(
    long durablePosition,
    int segments,
    long records,
    long bytes,
    long endPosition,
    List<Finding> findings)
{
    /**
     * How bad a finding is.
     */
    public enum Severity
    {
        /** Damage below the durable position, or a missing, truncated or foreign file: data that was durable. */
        ERROR,
        /** Damage beyond the durable position (a torn, unsynced tail) or in derived data such as an index. */
        WARNING
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
