package io.varve.chronicle;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The payload of a record that {@link ChronicleImport} copied from a Chronicle Queue: a keyed record whose 8-byte
 * key is the excerpt's Chronicle index and whose value is the excerpt's bytes, unchanged.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Chronicle index (little-endian)               |
 *  |                  (cycle, sequence in the cycle)               |
 *  +---------------------------------------------------------------+
 *  |                  Excerpt bytes, exactly as read              ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * The frame header's key length is {@link #KEY_LENGTH}, its schema version {@link #SCHEMA_VERSION}; the type is
 * the one the import was given (0 by default). The Chronicle index is the queue's own 64-bit index: its roll cycle
 * splits it into cycle and sequence ({@code RollCycle.toCycle}, {@code toSequenceNumber}). Keys are unique, so
 * keyed compaction never drops an imported record.
 * <p>
 * Threading: static methods, no state.
 */
public final class ImportedRecordDescriptor
{
    /** Offset of the Chronicle index in the payload. */
    public static final int CHRONICLE_INDEX_OFFSET = 0;
    /** Length of the key, the Chronicle index. */
    public static final int KEY_LENGTH = Long.BYTES;
    /** Offset of the excerpt's bytes in the payload. */
    public static final int EXCERPT_OFFSET = CHRONICLE_INDEX_OFFSET + KEY_LENGTH;
    /** Schema version written in the frame header of an imported record. */
    public static final int SCHEMA_VERSION = 0;

    private ImportedRecordDescriptor()
    {
    }

    /**
     * Chronicle index of an imported record.
     *
     * @param buffer        holding the payload.
     * @param payloadOffset of the payload.
     * @return the index.
     */
    public static long chronicleIndex(final DirectBuffer buffer, final int payloadOffset)
    {
        return buffer.getLong(payloadOffset + CHRONICLE_INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Write a Chronicle index as a key.
     *
     * @param buffer to write to.
     * @param offset of the key.
     * @param index  the Chronicle index.
     */
    public static void putChronicleIndex(final MutableDirectBuffer buffer, final int offset, final long index)
    {
        buffer.putLong(offset + CHRONICLE_INDEX_OFFSET, index, ByteOrder.LITTLE_ENDIAN);
    }
}
