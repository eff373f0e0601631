package io.varve.bench.latency;

import io.varve.bench.Payload;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * Chronicle Queue under latency test, default settings: the writer opens a writing document and fills it in
 * place; the tailer reads through a reading document.
 * <p>
 * Threading: the journal on one writer thread, each tailer on one polling thread.
 */
public final class ChronicleLatencyTarget
{
    private ChronicleLatencyTarget()
    {
    }

    /**
     * Build a queue for writing.
     *
     * @param directory of the queue, created.
     * @param size      of each message.
     * @return the journal.
     */
    public static LatencyJournal journal(final Path directory, final int size)
    {
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
        final ExcerptAppender appender = queue.createAppender();
        final Bytes<?> payload = Bytes.allocateDirect(Payload.bytes(size));
        return new LatencyJournal()
        {
            public void write(final long intendedNanos, final long phase)
            {
                try (DocumentContext document = appender.writingDocument())
                {
                    final Bytes<?> bytes = document.wire().bytes();
                    bytes.writeLong(intendedNanos);
                    bytes.writeLong(phase);
                    bytes.write(payload, (long)LatencyJournal.PHASE_OFFSET + Long.BYTES,
                        size - LatencyJournal.PHASE_OFFSET - Long.BYTES);
                }
            }

            public void close()
            {
                appender.close();
                queue.close();
                payload.releaseLast();
            }
        };
    }

    /**
     * Open a tailer at the start of a queue.
     *
     * @param directory of the queue, which exists.
     * @return the tailer.
     */
    public static LatencyTailer tailer(final Path directory)
    {
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
        final ExcerptTailer tailer = queue.createTailer();
        return new LatencyTailer()
        {
            public int poll(final LatencyListener listener)
            {
                int read = 0;
                while (true)
                {
                    try (DocumentContext document = tailer.readingDocument())
                    {
                        if (!document.isPresent())
                        {
                            return read;
                        }
                        final Bytes<?> bytes = document.wire().bytes();
                        final long intended = bytes.readLong();
                        listener.onMessage(intended, bytes.readLong());
                        read++;
                    }
                }
            }

            public void close()
            {
                tailer.close();
                queue.close();
            }
        };
    }
}
