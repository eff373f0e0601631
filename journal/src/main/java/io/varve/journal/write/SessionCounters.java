package io.varve.journal.write;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.storage.MetadataFile;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of a writer session that the appender does not update itself, to keep its hot path to two stores:
 * records and bytes appended are derived from the writer position and next sequence it publishes, by the
 * background thread about once a millisecond.
 * <p>
 * Threading: {@link #update()} on the background thread.
 */
public final class SessionCounters
{
    private final AtomicCounter writerPosition;
    private final AtomicCounter nextSequence;
    private final AtomicCounter recordsAppended;
    private final AtomicCounter bytesAppended;
    private final long startPosition;
    private final long startSequence;

    /**
     * Counters of a session starting at a position and sequence.
     *
     * @param metadata      holding the counters.
     * @param startPosition where the session started appending.
     * @param startSequence first sequence of the session.
     */
    public SessionCounters(final MetadataFile metadata, final long startPosition, final long startSequence)
    {
        writerPosition = metadata.counter(JournalCounter.WRITER_POSITION);
        nextSequence = metadata.counter(JournalCounter.NEXT_SEQUENCE);
        recordsAppended = metadata.counter(JournalCounter.RECORDS_APPENDED);
        bytesAppended = metadata.counter(JournalCounter.BYTES_APPENDED);
        this.startPosition = startPosition;
        this.startSequence = startSequence;
        recordsAppended.setRelease(0);
        bytesAppended.setRelease(0);
    }

    /**
     * Refresh the derived counters.
     *
     * @return 1 when they changed, else 0.
     */
    public int update()
    {
        final long records = nextSequence.getAcquire() - startSequence;
        final long bytes = writerPosition.getAcquire() - startPosition;
        if (records == recordsAppended.getPlain() && bytes == bytesAppended.getPlain())
        {
            return 0;
        }
        recordsAppended.setRelease(records);
        bytesAppended.setRelease(bytes);
        return 1;
    }
}
