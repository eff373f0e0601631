package io.varve.journal.recovery;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;

import java.nio.file.Path;

/**
 * The one place that decides what recovery does with damage: report it (refuse to open) or repair it (truncate the
 * journal there), by {@link RecoveryMode} and by whether the damage lies below the durable position.
 * <ul>
 *     <li>Below the durable position, damage is corruption of acknowledged data: {@link RecoveryMode#STRICT} throws
 *     {@link JournalCorruptionException} naming the file, offset and reason and the {@code varve repair} command;
 *     {@link RecoveryMode#TRUNCATE_CORRUPTION} repairs.</li>
 *     <li>At or beyond it, damage is a torn, unacknowledged tail: always repaired, and reported.</li>
 * </ul>
 * It remembers the first damage repaired (where the journal was truncated); what was dropped there is counted by
 * {@link DroppedRecords}.
 * <p>
 * Threading: NOT threadsafe; owned by one recovery.
 */
final class RepairPolicy
{
    private final RecoveryMode mode;
    private final Path directory;

    private Path file;
    private long offset = -1;
    private String reason;
    private boolean durableDataDropped;

    RepairPolicy(final RecoveryMode mode, final Path directory)
    {
        this.mode = mode;
        this.directory = directory;
    }

    /**
     * What to do about the advice of a refusal.
     *
     * @param directory of the journal.
     * @return the advice, naming {@code varve repair DIR} and the embedded-API alternative.
     */
    static String repairAdvice(final Path directory)
    {
        return "run 'varve verify " + directory + "' to see the damage and 'varve repair " + directory +
            "' to see what a repair would drop, then 'varve repair --apply " + directory +
            "' to truncate the journal there (embedded: open with RecoveryMode.TRUNCATE_CORRUPTION, or " +
            "-Dvarve.recovery.mode=" +
            "TRUNCATE_CORRUPTION), or restore from a backup";
    }

    /**
     * Damage found: refuse, or accept that recovery truncates the journal at it.
     *
     * @param file         at fault.
     * @param offset       of the first bad byte or frame, or -1 for the whole file.
     * @param reason       why, with expected and found values.
     * @param belowDurable true when the damage lies below the durable position (or durable data is lost with it).
     * @throws JournalCorruptionException when it lies below the durable position and the mode is strict.
     */
    void damaged(final Path file, final long offset, final String reason, final boolean belowDurable)
    {
        if (belowDurable && mode == RecoveryMode.STRICT)
        {
            throw new JournalCorruptionException(file, offset, reason, repairAdvice(directory));
        }
        durableDataDropped |= belowDurable;
        if (this.file == null)
        {
            this.file = file;
            this.offset = offset;
            this.reason = reason;
        }
    }

    /**
     * Durable data is lost whatever the mode (both durable slots damaged: nothing says what was durable); refuse
     * unless repairing.
     *
     * @param file   at fault.
     * @param offset of the damaged field.
     * @param reason why.
     */
    void durablePositionLost(final Path file, final long offset, final String reason)
    {
        if (mode == RecoveryMode.STRICT)
        {
            throw new JournalCorruptionException(file, offset, reason, repairAdvice(directory));
        }
        durableDataDropped = true;
    }

    boolean durableDataDropped()
    {
        return durableDataDropped;
    }

    Path file()
    {
        return file;
    }

    long offset()
    {
        return offset;
    }

    String reason()
    {
        return reason;
    }
}
