package io.varve.bench.latency;

import io.varve.bench.Payload;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * Varve under latency test, default settings: the writer claims a frame, fills it in place and commits it; the
 * tailer checks each frame's CRC32C.
 * <p>
 * Threading: the journal on one writer thread, each tailer on one polling thread.
 */
public final class VarveLatencyTarget
{
    private VarveLatencyTarget()
    {
    }

    /**
     * Open a journal for writing.
     *
     * @param directory of the journal, created.
     * @param size      of each message.
     * @return the journal.
     */
    public static LatencyJournal journal(final Path directory, final int size)
    {
        final Journal journal = Journal.open(new JournalContext().directory(directory));
        final Appender appender = journal.appender();
        final UnsafeBuffer payload = Payload.direct(size);
        return new LatencyJournal()
        {
            public void write(final long intendedNanos, final long phase)
            {
                final RecordClaim claim = appender.claim(size, 0);
                final MutableDirectBuffer buffer = claim.buffer();
                buffer.putBytes(0, payload, 0, size);
                buffer.putLong(INTENDED_OFFSET, intendedNanos);
                buffer.putLong(PHASE_OFFSET, phase);
                claim.commit();
            }

            public void close()
            {
                journal.close();
            }
        };
    }

    /**
     * Open a tailer at the start of a journal.
     *
     * @param directory of the journal, which exists.
     * @return the tailer.
     */
    public static LatencyTailer tailer(final Path directory)
    {
        final JournalReader reader = JournalReader.open(directory);
        final Tailer tailer = reader.tailer(null, true);
        return new LatencyTailer()
        {
            private LatencyListener listener;
            private final RecordHandler handler = this::onRecord;

            public int poll(final LatencyListener listener)
            {
                this.listener = listener;
                return tailer.poll(handler, Integer.MAX_VALUE);
            }

            private void onRecord(
                final DirectBuffer buffer,
                final int offset,
                final int length,
                final long sequence,
                final long timestamp,
                final int type)
            {
                listener.onMessage(
                    buffer.getLong(offset + LatencyJournal.INTENDED_OFFSET),
                    buffer.getLong(offset + LatencyJournal.PHASE_OFFSET));
            }

            public void close()
            {
                tailer.close();
                reader.close();
            }
        };
    }
}
