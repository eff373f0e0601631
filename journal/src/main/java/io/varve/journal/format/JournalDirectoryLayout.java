package io.varve.journal.format;

/**
 * Names of the files in a journal directory.
 * <pre>
 *   journal.meta                    metadata: identity, durable position, counters, tailers, errors
 *   writer.lock                     held with an OS lock by the one writer; holds its PID as text
 *   00000000000000000000.seg        segment whose base position is 0
 *   00000000000000000000.idx        its sparse index
 *   00000000000067108864.seg        the next segment (64 MiB segments)
 *   ...
 *   snapshots/                      application state snapshots, optional
 *   repair.log                      what each repair dropped, one line per repair; only after a repair
 * </pre>
 * Segment names are the base position as 20 decimal digits, so they sort in order.
 * <p>
 * Threading: static methods, no state.
 */
public final class JournalDirectoryLayout
{
    /** Name of the metadata file. */
    public static final String METADATA_FILE = "journal.meta";
    /** Name of the writer's lock file. */
    public static final String LOCK_FILE = "writer.lock";
    /** Suffix of segment files. */
    public static final String SEGMENT_SUFFIX = ".seg";
    /** Suffix of index files. */
    public static final String INDEX_SUFFIX = ".idx";
    /** Directory of state snapshots ({@link SnapshotDescriptor}), inside the journal directory by default. */
    public static final String SNAPSHOTS_DIRECTORY = "snapshots";
    /** Suffix of a compacted segment or index being written; the next open deletes one that a crash left. */
    public static final String COMPACTION_TEMPORARY_SUFFIX = ".compacting";
    /**
     * Human-readable log of repairs ({@code RecoveryMode.TRUNCATE_CORRUPTION}, {@code varve repair --apply}): one
     * line per repair that dropped durable data, naming the file, offset, reason, the records and sequences dropped
     * and the sequence the journal went on with. Appended and forced before the repaired durable position is stored.
     */
    public static final String REPAIR_LOG_FILE = "repair.log";
    /** Temporary name of a metadata file being created. */
    public static final String METADATA_TEMPORARY_FILE = METADATA_FILE + ".tmp";
    /** Digits in a file's base position. */
    public static final int POSITION_DIGITS = 20;

    private JournalDirectoryLayout()
    {
    }

    /**
     * Segment file name for a base position.
     *
     * @param basePosition of the segment.
     * @return e.g. {@code 00000000000067108864.seg}.
     */
    public static String segmentFileName(final long basePosition)
    {
        return paddedPosition(basePosition) + SEGMENT_SUFFIX;
    }

    /**
     * Index file name for a base position.
     *
     * @param basePosition of the segment.
     * @return e.g. {@code 00000000000067108864.idx}.
     */
    public static String indexFileName(final long basePosition)
    {
        return paddedPosition(basePosition) + INDEX_SUFFIX;
    }

    /**
     * Base position named by a segment or index file.
     *
     * @param fileName of the file.
     * @param suffix   {@link #SEGMENT_SUFFIX} or {@link #INDEX_SUFFIX}.
     * @return the base position, or -1 when the name is not of that form.
     */
    public static long parseBasePosition(final String fileName, final String suffix)
    {
        if (fileName.length() != POSITION_DIGITS + suffix.length() || !fileName.endsWith(suffix))
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < POSITION_DIGITS; i++)
        {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0)
            {
                return -1;
            }
        }
        return value;
    }

    private static String paddedPosition(final long basePosition)
    {
        final String digits = Long.toString(basePosition);
        return "0".repeat(POSITION_DIGITS - digits.length()) + digits;
    }
}
