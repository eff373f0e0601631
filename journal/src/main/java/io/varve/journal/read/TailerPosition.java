package io.varve.journal.read;

import io.varve.journal.VarveException;
import io.varve.journal.format.TailerTableDescriptor;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.varve.journal.format.TailerTableDescriptor.NAME_LENGTH_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.NAME_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.OWNER_PID_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.POSITION_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.SEQUENCE_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.STATE_ACTIVE;
import static io.varve.journal.format.TailerTableDescriptor.STATE_FREE;
import static io.varve.journal.format.TailerTableDescriptor.STATE_OFFSET;
import static io.varve.journal.format.TailerTableDescriptor.STATE_RESERVED;
import static io.varve.journal.format.TailerTableDescriptor.UPDATE_TIME_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A named tailer's slot in the metadata file's tailer table, where its position survives a restart of its process.
 * Storing the position is two plain stores and a release store into the mapped file: no allocation, no system call.
 * <p>
 * A name is used by one tailer at a time: the slot records its owner's PID, and a second tailer with the same name
 * in a live process is refused. A killed owner's slot is taken over.
 * <p>
 * Threading: {@link #store(long, long)} on the tailer's thread; the slot is read by any process.
 */
public final class TailerPosition implements AutoCloseable
{
    private static final Set<String> OWNED_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private static final long RESERVED_WAIT_NANOS = 100_000_000;

    private final AtomicBuffer table;
    private final int slotOffset;
    private final String name;
    private final String ownershipKey;
    private boolean closed;

    private TailerPosition(final AtomicBuffer table, final int slotOffset, final String name, final String ownershipKey)
    {
        this.table = table;
        this.slotOffset = slotOffset;
        this.name = name;
        this.ownershipKey = ownershipKey;
    }

    /**
     * Find the slot of a name or claim a free one, and take ownership of it.
     *
     * @param table        the tailer table section of the metadata file, mapped read-write.
     * @param name         of the tailer.
     * @param journalKey   identifies the journal within this process (its directory).
     * @param startPosition position a new slot starts at.
     * @param startSequence sequence a new slot starts at.
     * @return the owned slot.
     */
    public static TailerPosition claim(
        final AtomicBuffer table,
        final String name,
        final String journalKey,
        final long startPosition,
        final long startSequence)
    {
        final byte[] nameBytes = TailerTableDescriptor.checkName(name);
        final String ownershipKey = journalKey + '\u0000' + name;
        if (!OWNED_IN_THIS_PROCESS.add(ownershipKey))
        {
            throw new VarveException("named tailer already open in this process: name=" + name + " journal=" +
                journalKey + "; close it first");
        }
        try
        {
            int slot = find(table, nameBytes);
            if (slot < 0)
            {
                final int claimed = claimFree(table, nameBytes, startPosition, startSequence);
                // Another process may be claiming the same name at this moment: both settle on the lowest slot
                // holding it, each waiting out slots still being claimed, so the name never ends up in two slots.
                slot = settle(table, nameBytes);
                if (slot != claimed)
                {
                    table.putIntRelease(TailerTableDescriptor.slotOffset(claimed) + STATE_OFFSET, STATE_FREE);
                }
            }
            final int offset = TailerTableDescriptor.slotOffset(slot);
            takeOwnership(table, offset, name);
            return new TailerPosition(table, offset, name, ownershipKey);
        }
        catch (final RuntimeException ex)
        {
            OWNED_IN_THIS_PROCESS.remove(ownershipKey);
            throw ex;
        }
    }

    private static void takeOwnership(final AtomicBuffer table, final int offset, final String name)
    {
        final long me = ProcessHandle.current().pid();
        final long owner = table.getLongVolatile(offset + OWNER_PID_OFFSET);
        if (owner != 0 && owner != me && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false))
        {
            throw new VarveException("named tailer is in use by another process: name=" + name + " ownerPid=" +
                owner + "; a name is used by one tailer at a time");
        }
        if (!table.compareAndSetLong(offset + OWNER_PID_OFFSET, owner, me))
        {
            throw new VarveException("named tailer was taken by another process at the same moment: name=" + name +
                " ownerPid=" + table.getLongVolatile(offset + OWNER_PID_OFFSET));
        }
    }

    private static int find(final AtomicBuffer table, final byte[] nameBytes)
    {
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = TailerTableDescriptor.slotOffset(slot);
            if (TailerTableDescriptor.stateVolatile(table, offset) == STATE_ACTIVE &&
                nameEquals(table, offset, nameBytes))
            {
                return slot;
            }
        }
        return -1;
    }

    private static boolean nameEquals(final AtomicBuffer table, final int offset, final byte[] nameBytes)
    {
        if (table.getInt(offset + NAME_LENGTH_OFFSET, LITTLE_ENDIAN) != nameBytes.length)
        {
            return false;
        }
        for (int i = 0; i < nameBytes.length; i++)
        {
            if (table.getByte(offset + NAME_OFFSET + i) != nameBytes[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The lowest active slot holding a name, once no slot below it is being claimed. A racing claimer of the same name
     * reserved the lower of the two slots before the other claimer passed it, so both find it here. A slot whose
     * claimer died between reserving and activating it stays reserved for ever, so the wait for each is bounded.
     */
    private static int settle(final AtomicBuffer table, final byte[] nameBytes)
    {
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = TailerTableDescriptor.slotOffset(slot);
            int state = TailerTableDescriptor.stateVolatile(table, offset);
            if (state == STATE_RESERVED)
            {
                final long deadline = System.nanoTime() + RESERVED_WAIT_NANOS;
                while ((state = TailerTableDescriptor.stateVolatile(table, offset)) == STATE_RESERVED &&
                    System.nanoTime() - deadline < 0)
                {
                    Thread.onSpinWait();
                }
            }
            if (state == STATE_ACTIVE && nameEquals(table, offset, nameBytes))
            {
                return slot;
            }
        }
        throw new VarveException("named tailer's slot was freed while it was being claimed: name=" +
            new String(nameBytes, StandardCharsets.UTF_8) + "; open it again");
    }

    private static int claimFree(
        final AtomicBuffer table, final byte[] nameBytes, final long startPosition, final long startSequence)
    {
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = TailerTableDescriptor.slotOffset(slot);
            if (table.compareAndSetInt(offset + STATE_OFFSET, STATE_FREE, STATE_RESERVED))
            {
                table.putInt(offset + NAME_LENGTH_OFFSET, nameBytes.length, LITTLE_ENDIAN);
                table.putBytes(offset + NAME_OFFSET, nameBytes);
                table.putLong(offset + SEQUENCE_OFFSET, startSequence, LITTLE_ENDIAN);
                table.putLong(offset + UPDATE_TIME_OFFSET, System.currentTimeMillis(), LITTLE_ENDIAN);
                table.putLong(offset + OWNER_PID_OFFSET, 0, LITTLE_ENDIAN);
                table.putLongRelease(offset + POSITION_OFFSET, startPosition);
                table.putIntRelease(offset + STATE_OFFSET, STATE_ACTIVE);
                return slot;
            }
        }
        throw new VarveException("tailer table is full: maxTailers=" + TailerTableDescriptor.MAX_TAILERS +
            "; remove unused named tailers with Tailer.deleteName");
    }

    /**
     * The persisted position: the next frame to read.
     *
     * @return the position.
     */
    public long position()
    {
        return table.getLongVolatile(slotOffset + POSITION_OFFSET);
    }

    /**
     * The persisted sequence: the next record to read.
     *
     * @return the sequence.
     */
    public long sequence()
    {
        return table.getLong(slotOffset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Persist a position after a record was handled: the sequence first, then the position with a release store,
     * so a reader of the slot never sees a position ahead of the records it covers.
     *
     * @param position next frame to read.
     * @param sequence next record to read.
     */
    public void store(final long position, final long sequence)
    {
        table.putLong(slotOffset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        table.putLongRelease(slotOffset + POSITION_OFFSET, position);
    }

    /**
     * Record when the tailer last moved; called once per poll that delivered records, not per record.
     *
     * @param epochMillis now.
     */
    public void touch(final long epochMillis)
    {
        table.putLongRelease(slotOffset + UPDATE_TIME_OFFSET, epochMillis);
    }

    /**
     * Name of the tailer.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Give up ownership; the position stays for the next tailer of this name.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            table.compareAndSetLong(slotOffset + OWNER_PID_OFFSET, ProcessHandle.current().pid(), 0);
            OWNED_IN_THIS_PROCESS.remove(ownershipKey);
        }
    }

    /**
     * Free a name's slot so it can be reused. Refused while the name is in use.
     *
     * @param table the tailer table section.
     * @param name  of the tailer.
     * @return true when a slot was freed.
     */
    public static boolean delete(final AtomicBuffer table, final String name)
    {
        final int slot = find(table, name.getBytes(StandardCharsets.UTF_8));
        if (slot < 0)
        {
            return false;
        }
        final int offset = TailerTableDescriptor.slotOffset(slot);
        final long owner = table.getLongVolatile(offset + OWNER_PID_OFFSET);
        if (owner != 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false))
        {
            throw new VarveException("named tailer is in use: name=" + name + " ownerPid=" + owner);
        }
        table.putIntRelease(offset + STATE_OFFSET, STATE_FREE);
        return true;
    }
}
