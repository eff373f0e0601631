package io.varve.chronicle;

import io.varve.ringbuffer.JournalRing;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.WriteBytesMarshallable;

import java.nio.BufferOverflowException;

/**
 * Encodes a chronicle-bytes {@link WriteBytesMarshallable} straight into a {@link JournalRing} slot: it claims a
 * slot, points one reused chronicle-bytes view at the slot's off-heap bytes, lets the marshallable write itself
 * there and commits the length it wrote ({@code claim}/{@code buffer}/{@code commit}). The journaling thread then
 * writes the slot to the journal as it writes any published record. No intermediate copy, nothing allocated per
 * record.
 * <pre>{@code
 * final MarshallablePublisher out = new MarshallablePublisher(ring);   // one per producer thread
 * final long ticket = out.publish(order, ORDER_TYPE);
 * ring.awaitDurable(ticket, 1, TimeUnit.SECONDS);
 * }</pre>
 * <p>
 * Threading: NOT threadsafe; give each producer thread its own publisher (the ring itself takes many producers
 * when built multi-producer).
 */
public final class MarshallablePublisher
{
    private final JournalRing ring;
    private final int slotCapacity;
    private final BytesView view = new BytesView();

    /**
     * An encoder in front of a ring.
     *
     * @param ring the ring; each record's encoding must fit one slot.
     */
    public MarshallablePublisher(final JournalRing ring)
    {
        this.ring = ring;
        this.slotCapacity = ring.slotCapacity();
    }

    /**
     * Encode a marshallable into a slot and publish it, waiting for room when the ring is full.
     *
     * @param marshallable to encode.
     * @param type         record type, 0 or more.
     * @return the ticket, for {@link JournalRing#awaitDurable}.
     * @throws IllegalArgumentException when the encoding does not fit a slot; the slot is aborted then.
     */
    public long publish(final WriteBytesMarshallable marshallable, final int type)
    {
        return encode(ring.claim(), marshallable, type);
    }

    /**
     * Encode a marshallable into a slot and publish it if the ring has room now.
     *
     * @param marshallable to encode.
     * @param type         record type, 0 or more.
     * @return the ticket, or {@link JournalRing#BACK_PRESSURED}, and then nothing was encoded.
     */
    public long tryPublish(final WriteBytesMarshallable marshallable, final int type)
    {
        final long ticket = ring.tryClaim();
        return ticket == JournalRing.BACK_PRESSURED ? ticket : encode(ticket, marshallable, type);
    }

    private long encode(final long ticket, final WriteBytesMarshallable marshallable, final int type)
    {
        final Bytes<Void> bytes = view.forWrite(ring.buffer(ticket).addressOffset(), slotCapacity);
        try
        {
            marshallable.writeMarshallable(bytes);
        }
        catch (final BufferOverflowException | IllegalArgumentException ex)
        {
            ring.abort(ticket);
            throw new IllegalArgumentException("encoding does not fit a ring slot of " + slotCapacity + " bytes: " +
                marshallable.getClass().getName(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            ring.abort(ticket);
            throw ex;
        }
        ring.commit(ticket, (int)bytes.writePosition(), type);
        return ticket;
    }
}
