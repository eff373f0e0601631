package io.varve.journal.read;

import io.varve.journal.format.FrameDescriptor;
import org.agrona.DirectBuffer;

/**
 * The header fields of the record a {@link RecordHandler} is given, read from the frame header that precedes the
 * payload: its schema version, key and tombstone flag. Static, allocation-free accessors for use inside a handler.
 * <pre>{@code
 * public void onRecord(DirectBuffer buffer, int offset, int length, long sequence, long timestamp, int type)
 * {
 *     final int version = RecordHeader.schemaVersion(buffer, offset);
 *     ...
 * }
 * }</pre>
 * Threading: static methods, no state.
 */
public final class RecordHeader
{
    private RecordHeader()
    {
    }

    /**
     * Schema version of the record's payload.
     *
     * @param buffer        given to the handler.
     * @param payloadOffset given to the handler.
     * @return 0 to 65535.
     */
    public static int schemaVersion(final DirectBuffer buffer, final int payloadOffset)
    {
        return FrameDescriptor.schemaVersion(buffer, payloadOffset - FrameDescriptor.HEADER_LENGTH);
    }

    /**
     * Length of the record's key, which starts the payload.
     *
     * @param buffer        given to the handler.
     * @param payloadOffset given to the handler.
     * @return 0 for a record without a key.
     */
    public static int keyLength(final DirectBuffer buffer, final int payloadOffset)
    {
        return FrameDescriptor.keyLength(buffer, payloadOffset - FrameDescriptor.HEADER_LENGTH);
    }

    /**
     * Whether the record deletes its key.
     *
     * @param buffer        given to the handler.
     * @param payloadOffset given to the handler.
     * @return true for a tombstone.
     */
    public static boolean isTombstone(final DirectBuffer buffer, final int payloadOffset)
    {
        return (FrameDescriptor.flags(buffer, payloadOffset - FrameDescriptor.HEADER_LENGTH) &
            FrameDescriptor.FLAG_TOMBSTONE) != 0;
    }
}
