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
    /**
     * Repair: read every frame from the journal's start and truncate at the first bad frame or cut-short file, even
     * below the durable position; keep every intact frame before it; report exactly what was dropped (or "at
     * least") and append it to {@code repair.log}; never hand out again a sequence a dropped durable record had.
     * {@code varve repair --apply DIR} opens the journal this way; {@code varve repair DIR} shows what it would do.
     */
    TRUNCATE_CORRUPTION
}
