package io.varve.journal.format;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a slot in the tailer table of the metadata file, where named tailers keep their positions.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                             State                             |   0
 *  +---------------------------------------------------------------+
 *  |                          Name Length                          |   4
 *  +---------------------------------------------------------------+
 *  |                     Name (UTF-8, 56 bytes)                    |   8
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |                 Position (next frame to read)                 |  64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Sequence (next record to read)                |  72
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Update Time (epoch millis)                    |  80
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Owner PID (0 = none)                    |  88
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Reserved to SLOT_LENGTH                    |  96
 *  +---------------------------------------------------------------+
 * </pre>
 * A process claims a free slot by compare-and-set of the state from {@link #STATE_FREE} to
 * {@link #STATE_RESERVED}, writes the name, then stores {@link #STATE_ACTIVE} with a release store. The position
 * is one 8-byte aligned word stored with a release store, so it is never torn; the sequence is stored before it
 * and is informational.
 * <p>
 * Threading: static methods, no state.
 */
public final class TailerTableDescriptor
{
    /** Offset of the state. */
    public static final int STATE_OFFSET = 0;
    /** Offset of the name length. */
    public static final int NAME_LENGTH_OFFSET = 4;
    /** Offset of the name. */
    public static final int NAME_OFFSET = 8;
    /** Longest name in bytes. */
    public static final int MAX_NAME_LENGTH = 56;
    /** Offset of the position. */
    public static final int POSITION_OFFSET = 64;
    /** Offset of the sequence. */
    public static final int SEQUENCE_OFFSET = 72;
    /** Offset of the update time. */
    public static final int UPDATE_TIME_OFFSET = 80;
    /** Offset of the owner process id. */
    public static final int OWNER_PID_OFFSET = 88;
    /** Bytes per slot: two cache lines, so neighbours never share one. */
    public static final int SLOT_LENGTH = 128;
    /** Slots in the table. */
    public static final int MAX_TAILERS = 128;
    /** Slot never used. */
    public static final int STATE_FREE = 0;
    /** Slot being claimed. */
    public static final int STATE_RESERVED = 1;
    /** Slot holding a named tailer. */
    public static final int STATE_ACTIVE = 2;

    private TailerTableDescriptor()
    {
    }

    /**
     * Offset of a slot within the table section.
     *
     * @param slot index.
     * @return offset.
     */
    public static int slotOffset(final int slot)
    {
        return slot * SLOT_LENGTH;
    }

    /**
     * State of a slot, read with acquire semantics.
     *
     * @param table  over the tailer table section.
     * @param offset of the slot.
     * @return the state.
     */
    public static int stateVolatile(final AtomicBuffer table, final int offset)
    {
        return table.getIntVolatile(offset + STATE_OFFSET);
    }

    /**
     * Name in a slot.
     *
     * @param table  over the tailer table section.
     * @param offset of the slot.
     * @return the name, or "" when the stored length is out of range.
     */
    public static String name(final DirectBuffer table, final int offset)
    {
        final int length = table.getInt(offset + NAME_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (length <= 0 || length > MAX_NAME_LENGTH)
        {
            return "";
        }
        final byte[] bytes = new byte[length];
        table.getBytes(offset + NAME_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Whether a slot holds what the claim protocol can leave there: a known state and, in an active slot, a name of
     * 1 to {@link #MAX_NAME_LENGTH} bytes, a frame-aligned position at or after the first segment's first frame and
     * a sequence that is not negative. A free slot may keep the bytes of the tailer it held; only its state counts.
     *
     * @param table  over the tailer table section.
     * @param offset of the slot.
     * @return null when the slot is well formed, else what is wrong, in "what: name=value" form.
     */
    public static String validateSlot(final DirectBuffer table, final int offset)
    {
        final int state = table.getInt(offset + STATE_OFFSET, LITTLE_ENDIAN);
        if (state == STATE_FREE || state == STATE_RESERVED)
        {
            return null;
        }
        if (state != STATE_ACTIVE)
        {
            return "tailer slot state unknown: state=" + state + " expected=" + STATE_FREE + ".." + STATE_ACTIVE;
        }
        final int nameLength = table.getInt(offset + NAME_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (nameLength <= 0 || nameLength > MAX_NAME_LENGTH)
        {
            return "tailer name length out of range: nameLength=" + nameLength + " max=" + MAX_NAME_LENGTH;
        }
        final long position = table.getLong(offset + POSITION_OFFSET, LITTLE_ENDIAN);
        if (position < SegmentDescriptor.HEADER_LENGTH || (position & (FrameDescriptor.FRAME_ALIGNMENT - 1)) != 0)
        {
            return "tailer position is not a frame position: position=" + position + " alignment=" +
                FrameDescriptor.FRAME_ALIGNMENT;
        }
        final long sequence = table.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
        if (sequence < 0)
        {
            return "tailer sequence negative: sequence=" + sequence;
        }
        return null;
    }

    /**
     * Checks a tailer name.
     *
     * @param name to check.
     * @return its UTF-8 bytes.
     * @throws IllegalArgumentException when empty or too long.
     */
    public static byte[] checkName(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException("tailer name must be 1 to " + MAX_NAME_LENGTH +
                " bytes of UTF-8: name='" + name + "' bytes=" + bytes.length);
        }
        return bytes;
    }
}
