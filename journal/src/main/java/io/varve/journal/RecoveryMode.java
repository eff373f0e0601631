package io.varve.journal;

/**
 * What opening a journal does with a bad frame.
 * <p>
 * A bad frame beyond the durable position is a torn tail, left by a crash before the data was forced: recovery
 * always truncates it, in every mode, and reports what it dropped. A bad frame below the durable position is
 * corruption of data that was acknowledged as durable; the mode decides.
 */
public enum RecoveryMode
{
    /** Refuse to open with a {@link JournalCorruptionException} naming the file, offset and reason. The default. */
    STRICT,
    /** Truncate the journal at the first bad frame, even below the durable position, and report what was dropped. */
    TRUNCATE_CORRUPTION
}
