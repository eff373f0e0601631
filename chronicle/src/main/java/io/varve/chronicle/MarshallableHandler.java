package io.varve.chronicle;

import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.RecordHeader;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.ReadBytesMarshallable;
import org.agrona.DirectBuffer;

/**
 * A {@link RecordHandler} that hands each record a tailer delivers to a chronicle-bytes
 * {@link ReadBytesMarshallable}, through one reused view over the mapped segment, its read position and limit set to
 * the record: no copy, nothing allocated per record. As in a Chronicle Queue document, the read position does not
 * start at 0: read relatively ({@code readLong()}, not {@code readLong(0)}); reading past the record throws. A keyed record's key is skipped, so the marshallable reads the value; for a record imported from
 * Chronicle Queue that is the excerpt's bytes exactly, and {@link #key()} is its Chronicle index.
 * <pre>{@code
 * final Order order = new Order();
 * final MarshallableHandler handler = new MarshallableHandler(order::readMarshallable);
 * while (tailer.poll(handler, 1) > 0)
 * {
 *     book.apply(order);                     // or act inside the marshallable's readMarshallable
 * }
 * }</pre>
 * The header fields of the record being read ({@link #sequence()}, {@link #timestamp()}, {@link #type()}) can be
 * read from inside the marshallable's {@code readMarshallable}, and until the next record.
 * <p>
 * Threading: NOT threadsafe; belongs to the polling thread.
 */
public final class MarshallableHandler implements RecordHandler
{
    private final ReadBytesMarshallable target;
    private final BytesView view = new BytesView();
    private Bytes<Void> segment;
    private long segmentAddress;
    private int segmentCapacity;
    private long sequence = -1;
    private long timestamp;
    private int type;
    private long key;

    /**
     * A handler that decodes every record into a marshallable.
     *
     * @param target reads each record's bytes.
     */
    public MarshallableHandler(final ReadBytesMarshallable target)
    {
        this.target = target;
    }

    /**
     * {@inheritDoc}
     */
    public void onRecord(
        final DirectBuffer buffer, final int offset, final int length, final long sequence, final long timestamp,
        final int type)
    {
        if (buffer.byteArray() != null)
        {
            throw new IllegalArgumentException("MarshallableHandler reads off-heap buffers only (a tailer's mapped " +
                "segment): this one wraps a byte[]");
        }
        final long address = buffer.addressOffset();
        final int capacity = buffer.capacity();
        if (segment == null || address != segmentAddress || capacity != segmentCapacity)
        {
            // One view over the whole mapped segment, moved only when the tailer moves to another segment.
            segment = view.forRead(address, capacity);
            segmentAddress = address;
            segmentCapacity = capacity;
        }
        final int keyLength = RecordHeader.keyLength(buffer, offset);
        this.sequence = sequence;
        this.timestamp = timestamp;
        this.type = type;
        this.key = keyLength == ImportedRecordDescriptor.KEY_LENGTH ? ImportedRecordDescriptor.chronicleIndex(
            buffer, offset) : -1;
        target.readMarshallable(segment.readPositionRemaining(offset + keyLength, length - keyLength));
    }

    /**
     * Sequence of the record read last.
     *
     * @return the sequence, -1 before the first record.
     */
    public long sequence()
    {
        return sequence;
    }

    /**
     * Timestamp of the record read last.
     *
     * @return epoch nanos.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /**
     * Type of the record read last.
     *
     * @return the type.
     */
    public int type()
    {
        return type;
    }

    /**
     * The 8-byte key of the record read last, which is its Chronicle index when it was imported.
     *
     * @return the key, -1 when the record has no 8-byte key.
     */
    public long key()
    {
        return key;
    }
}
