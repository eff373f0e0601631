package io.varve.journal.read;

import org.agrona.DirectBuffer;

/**
 * Receives records from {@link Tailer#poll(RecordHandler, int)}. The buffer is the mapped segment itself: the
 * payload is valid only during the call, so copy what must outlive it. {@link RecordHeader} reads the record's
 * schema version, key length and tombstone flag.
 * <p>
 * Threading: called on the polling thread.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * One committed record.
     *
     * @param buffer    the mapped segment.
     * @param offset    of the payload in the buffer (a keyed record's payload starts with its key).
     * @param length    of the payload.
     * @param sequence  of the record.
     * @param timestamp of the record, epoch nanos.
     * @param type      record type chosen by the writer.
     */
    void onRecord(DirectBuffer buffer, int offset, int length, long sequence, long timestamp, int type);
}
