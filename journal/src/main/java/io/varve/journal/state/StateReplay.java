package io.varve.journal.state;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import org.agrona.DirectBuffer;

/**
 * Replays records into application state: from a sequence to the end, or from the newest snapshot of a
 * {@link SnapshotStore} so a restart replays only the tail.
 * <pre>{@code
 * final StateReplay.Result result = StateReplay.recover(reader, snapshots, portfolio::restore, portfolio);
 * }</pre>
 * Threading: static methods; the handler runs on the calling thread.
 */
public final class StateReplay
{
    private StateReplay()
    {
    }

    /**
     * Restores application state from a snapshot's bytes.
     */
    @FunctionalInterface
    public interface StateLoader
    {
        /**
         * Replace the state with a snapshot's.
         *
         * @param state        the snapshot's bytes.
         * @param offset       of the state.
         * @param length       of the state.
         * @param nextSequence the state covers every record below it.
         */
        void load(DirectBuffer state, int offset, int length, long nextSequence);
    }

    /**
     * What a recovery did.
     *
     * @param snapshotSequence next sequence of the snapshot loaded, or -1 when none was.
     * @param recordsReplayed  records applied after the snapshot.
     * @param nextSequence     sequence after the last record applied.
     */
    public record Result(long snapshotSequence, long recordsReplayed, long nextSequence)
    {
    }

    /**
     * Apply every record from a sequence until the tailer catches up with the writer.
     *
     * @param reader       of the journal.
     * @param fromSequence first record to apply.
     * @param handler      applies a record.
     * @return the sequence after the last record applied.
     */
    public static long replay(final JournalReader reader, final long fromSequence, final RecordHandler handler)
    {
        try (Tailer tailer = reader.tailer())
        {
            tailer.seekToSequence(fromSequence);
            while (tailer.poll(handler, 4096) > 0)
            {
                Thread.onSpinWait();
            }
            return tailer.nextSequence();
        }
    }

    /**
     * Load the newest valid snapshot, if any, then replay the records after it.
     *
     * @param reader    of the journal.
     * @param snapshots where snapshots are.
     * @param loader    restores state from a snapshot.
     * @param handler   applies a record.
     * @return what was loaded and replayed.
     */
    public static Result recover(
        final JournalReader reader,
        final SnapshotStore snapshots,
        final StateLoader loader,
        final RecordHandler handler)
    {
        final Snapshot snapshot = snapshots.loadNewest();
        long from;
        try (Tailer start = reader.tailer())
        {
            from = start.nextSequence();
        }
        long snapshotSequence = -1;
        if (snapshot != null)
        {
            loader.load(snapshot.state(), 0, snapshot.stateLength(), snapshot.nextSequence());
            snapshotSequence = snapshot.nextSequence();
            from = snapshot.nextSequence();
        }
        final long next = replay(reader, from, handler);
        return new Result(snapshotSequence, next - from, next);
    }
}
