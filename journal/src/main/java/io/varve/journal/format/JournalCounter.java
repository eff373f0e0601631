package io.varve.journal.format;

/**
 * The counters in a journal's metadata file, in the order they are allocated, so that a counter's id is its
 * {@link #ordinal()}. Type ids start at {@link #TYPE_ID_BASE}. Values are written by the writer's threads and read
 * by any process through Agrona's {@link org.agrona.concurrent.status.CountersReader}.
 * <p>
 * "Session" counters start at zero each time a writer opens the journal; the others describe the journal.
 */
public enum JournalCounter
{
    /** End of the last committed frame: where the next frame goes. */
    WRITER_POSITION("writer position"),
    /** Sequence the next record will get: the number of records ever appended. */
    NEXT_SEQUENCE("next sequence"),
    /** End of the last frame forced to storage. */
    DURABLE_POSITION("durable position"),
    /** Records appended since the writer opened. */
    RECORDS_APPENDED("records appended (session)"),
    /** Frame bytes, headers and alignment included, appended since the writer opened. */
    BYTES_APPENDED("bytes appended (session)"),
    /** Segment files in the journal, started ones only. */
    SEGMENTS("segments"),
    /** Rolls into a new segment since the writer opened. */
    ROLLS("segment rolls (session)"),
    /** Rolls that had to wait for the next segment to be allocated. */
    ALLOCATION_STALLS("allocation stalls (session)"),
    /** Records dropped from the torn tail by the last recovery. */
    RECOVERY_DROPPED_RECORDS("recovery dropped records"),
    /** Bytes dropped from the torn tail by the last recovery. */
    RECOVERY_DROPPED_BYTES("recovery dropped bytes"),
    /** Forces (fsync) since the writer opened. */
    FSYNCS("fsyncs (session)"),
    /** Duration of the last force in nanoseconds. */
    LAST_FSYNC_NANOS("last fsync ns"),
    /** Longest force since the writer opened, in nanoseconds. */
    MAX_FSYNC_NANOS("max fsync ns (session)"),
    /** Errors recorded in the error log since the writer opened. */
    ERRORS("errors (session)"),
    /** Position of the first record still in the journal (moves with retention). */
    FIRST_POSITION("first position"),
    /** Sequence of the first record still in the journal. */
    FIRST_SEQUENCE("first sequence");

    /** Type id of the first counter; the others follow in order. */
    public static final int TYPE_ID_BASE = 0x5641_0000;

    private static final JournalCounter[] VALUES = values();

    private final String label;

    JournalCounter(final String label)
    {
        this.label = label;
    }

    /**
     * Label stored in the counter's metadata.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Counter id in the metadata file.
     *
     * @return the id.
     */
    public int id()
    {
        return ordinal();
    }

    /**
     * Type id stored in the counter's metadata.
     *
     * @return the type id.
     */
    public int typeId()
    {
        return TYPE_ID_BASE + ordinal();
    }

    /**
     * Counter by id.
     *
     * @param id counter id.
     * @return the counter.
     */
    public static JournalCounter get(final int id)
    {
        return VALUES[id];
    }
}
