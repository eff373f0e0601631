package io.varve.stress.jcstress;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.MetadataDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import static io.varve.journal.format.MetadataDescriptor.DURABLE_SLOT_A_OFFSET;
import static io.varve.journal.format.MetadataDescriptor.DURABLE_SLOT_B_OFFSET;
import static io.varve.journal.format.MetadataDescriptor.DURABLE_SLOT_LENGTH;

/**
 * The parts of {@code journal.meta} that threads meet on, in off-heap memory laid out as in the file: the header up
 * to its two durable slots, and the counter values in Agrona's {@link CountersReader} layout, read and written
 * through {@link AtomicCounter} as the journal does.
 * <p>
 * Threading: {@link #storeDurablePosition(long)} on one syncing thread at a time (the journal holds a lock);
 * the readers on any thread.
 */
final class MetadataMemory
{
    private final UnsafeBuffer header;
    private final AtomicCounter writerPosition;
    private final AtomicCounter nextSequence;
    private final AtomicCounter durablePosition;

    MetadataMemory(final long firstPosition)
    {
        header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(DURABLE_SLOT_B_OFFSET + DURABLE_SLOT_LENGTH, 64));
        final UnsafeBuffer values = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(JournalCounter.values().length * CountersReader.COUNTER_LENGTH, 64));
        writerPosition = new AtomicCounter(values, JournalCounter.WRITER_POSITION.id());
        nextSequence = new AtomicCounter(values, JournalCounter.NEXT_SEQUENCE.id());
        durablePosition = new AtomicCounter(values, JournalCounter.DURABLE_POSITION.id());
        MetadataDescriptor.writeDurableSlot(header, DURABLE_SLOT_A_OFFSET, firstPosition, 1);
        writerPosition.setRelease(firstPosition);
        durablePosition.setRelease(firstPosition);
    }

    AtomicCounter writerPosition()
    {
        return writerPosition;
    }

    AtomicCounter nextSequence()
    {
        return nextSequence;
    }

    AtomicCounter durablePosition()
    {
        return durablePosition;
    }

    /**
     * What {@code MetadataFile.storeDurablePosition} does once the syncer has forced the frames: the journal's own
     * slot write ({@link MetadataDescriptor#writeNextDurableSlot}), the header page's force (nothing to force in
     * memory), then the counter's release store.
     */
    void storeDurablePosition(final long position)
    {
        MetadataDescriptor.writeNextDurableSlot(header, position);
        durablePosition.setRelease(position);
    }

    /**
     * The durable position as recovery and {@code varve verify} read it: from the newest valid slot.
     *
     * @return the position, or -1 when neither slot is valid.
     */
    long positionFromSlots()
    {
        final int slot = MetadataDescriptor.newestValidSlot(header);
        return slot < 0 ? -1 : MetadataDescriptor.slotPosition(header, slot);
    }
}
