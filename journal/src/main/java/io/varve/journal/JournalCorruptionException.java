package io.varve.journal;

import java.nio.file.Path;

/**
 * Data the journal had made durable, or a file it needs, is damaged: a bad frame below the durable position, a
 * missing, truncated or foreign segment, a damaged metadata file. Opening refuses until the journal is repaired,
 * with {@code varve repair DIR} (dry run) and {@code varve repair --apply DIR}, or, embedded, by opening with
 * {@link RecoveryMode#TRUNCATE_CORRUPTION}.
 */
public final class JournalCorruptionException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /** The file at fault. */
    private final transient Path file;
    /** Offset of the first bad byte in the file, or -1 when the file as a whole is at fault. */
    private final long offset;
    /** Why the data is bad. */
    private final String reason;

    /**
     * Corruption at a place in a file.
     *
     * @param file   at fault.
     * @param offset of the first bad frame or field, or -1.
     * @param reason why, with expected and found values.
     * @param advice what to do, or null.
     */
    public JournalCorruptionException(final Path file, final long offset, final String reason, final String advice)
    {
        super(file + (offset >= 0 ? " at offset=" + offset : "") + ": " + reason +
            (advice == null ? "" : "; " + advice));
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /**
     * The file at fault.
     *
     * @return the path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Offset of the bad data in the file.
     *
     * @return the offset, or -1 when the whole file is at fault.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * Why the data is bad.
     *
     * @return the reason.
     */
    public String reason()
    {
        return reason;
    }
}
