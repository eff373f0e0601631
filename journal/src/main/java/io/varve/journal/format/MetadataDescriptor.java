package io.varve.journal.format;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of the metadata file, {@code journal.meta}: the journal's identity, its durable position, live counters
 * that other processes read without locks, named tailers' positions and an error log. The file is memory-mapped
 * by the writer and by every reader.
 * <pre>
 *  Sections                                              offset   length
 *  +------------------------------------------------+
 *  | Header                                         |         0     4096
 *  +------------------------------------------------+
 *  | Counter metadata (Agrona CountersReader layout)|      4096    32768
 *  +------------------------------------------------+
 *  | Counter values   (Agrona CountersReader layout)|     36864     8192
 *  +------------------------------------------------+
 *  | Tailer table     (TailerTableDescriptor)       |     45056    16384
 *  +------------------------------------------------+
 *  | Error log        (Agrona DistinctErrorLog)     |     61440    16384
 *  +------------------------------------------------+                   total 77824
 *
 *  Header
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVEMET"                          |   0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |   8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         |  12
 *  +---------------------------------------------------------------+
 *  |                        Segment Length                         |  16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Journal Id                           |  24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Creation Time (epoch nanos)                  |  32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Reserved (16 bytes)                       |  40
 *  +---------------------------------------------------------------+
 *  |                      Identity Checksum                        |  60
 *  +---------------------------------------------------------------+
 *  |                     Writer PID (0 = none)                     |  64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Writer Start Time (epoch nanos)                |  72
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Writer Boot Id (16 bytes, UUID)               |  80
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Writer Max Frame Length                    |  96
 *  +---------------------------------------------------------------+
 *  |            Writer Write Mode (0 MAPPED, 1 POSITIONAL)         | 100
 *  +---------------------------------------------------------------+
 *  |                  Reserved to the cache line                   | 104
 *  +---------------------------------------------------------------+
 *  |              Durable Slot A (DURABLE_SLOT_LENGTH)             | 128
 *  +---------------------------------------------------------------+
 *  |              Durable Slot B (DURABLE_SLOT_LENGTH)             | 192
 *  +---------------------------------------------------------------+
 *  |                  Reserved to HEADER_LENGTH                    | 256
 *  +---------------------------------------------------------------+
 *
 *  Durable slot
 *  +---------------------------------------------------------------+
 *  |        Durable Position (end of the last synced frame)        |  +0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Generation                           |  +8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Slot Checksum, CRC32C of [+0, +16)             | +16
 *  +---------------------------------------------------------------+
 * </pre>
 * <ul>
 *     <li><b>Identity Checksum</b>: CRC32C of header bytes [8, 60).</li>
 *     <li><b>Durable slots</b>: after each sync the writer fills the slot not holding the newest generation, so a
 *     crash while writing one leaves the other intact. Recovery takes the valid slot with the higher
 *     generation. Every frame below the durable position was forced to storage before the slot was written.</li>
 *     <li><b>Writer Boot Id</b> and <b>Writer Max Frame Length</b>: when recovery runs on the same boot as the writer
 *     that left the journal, the page cache survived, so nothing beyond the last committed frame can be non-zero but
 *     one partly written frame: recovery then clears at most the largest frame that writer started (raised before
 *     each frame longer than any before it) instead of the whole rest of the segment.</li>
 *     <li><b>Writer Write Mode</b>: how the last writer to open the journal publishes frames. 0
 *     ({@link #WRITE_MODE_MAPPED}, also what files from before this field hold): by a release store of each frame's
 *     length, which a tailer trusts. 1 ({@link #WRITE_MODE_POSITIONAL}): by positional writes of whole batches, whose
 *     bytes a reader may see in any order, then a release store of the writer position counter; a tailer reads frames
 *     only below that counter. Stored with a release store when a writer opens, before recovery and before it
 *     writes any frame.</li>
 *     <li><b>Counters</b>: Agrona's {@link CountersReader} layout, allocated once when the journal is created, in
 *     the order of {@link JournalCounter}; any process reads them with {@code new CountersReader(meta, values)}.</li>
 * </ul>
 * Threading: static methods, no state.
 */
public final class MetadataDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment length. */
    public static final int SEGMENT_LENGTH_OFFSET = 16;
    /** Offset of the journal id. */
    public static final int JOURNAL_ID_OFFSET = 24;
    /** Offset of the creation time. */
    public static final int CREATION_TIME_OFFSET = 32;
    /** Offset of the identity checksum. */
    public static final int IDENTITY_CHECKSUM_OFFSET = 60;
    /** Offset of the writer's process id. */
    public static final int WRITER_PID_OFFSET = 64;
    /** Offset of the writer's start time. */
    public static final int WRITER_START_TIME_OFFSET = 72;
    /** Offset of the boot id of the host the writer ran on (Linux {@code /proc/sys/kernel/random/boot_id}). */
    public static final int WRITER_BOOT_ID_OFFSET = 80;
    /** Offset of the largest frame the writer has started. */
    public static final int WRITER_MAX_FRAME_LENGTH_OFFSET = 96;
    /** Offset of the last writer's write mode, {@link #WRITE_MODE_MAPPED} or {@link #WRITE_MODE_POSITIONAL}. */
    public static final int WRITER_WRITE_MODE_OFFSET = 100;
    /** Write mode word of a writer that publishes each frame by a release store of its length. */
    public static final int WRITE_MODE_MAPPED = 0;
    /** Write mode word of a writer that publishes frames only through the writer position counter. */
    public static final int WRITE_MODE_POSITIONAL = 1;
    /** Offset of durable slot A. */
    public static final int DURABLE_SLOT_A_OFFSET = 128;
    /** Offset of durable slot B. */
    public static final int DURABLE_SLOT_B_OFFSET = 192;
    /** Offset of the durable position within a slot. */
    public static final int SLOT_POSITION_OFFSET = 0;
    /** Offset of the generation within a slot. */
    public static final int SLOT_GENERATION_OFFSET = 8;
    /** Offset of the checksum within a slot. */
    public static final int SLOT_CHECKSUM_OFFSET = 16;
    /** Bytes a durable slot occupies; slots sit on separate cache lines. */
    public static final int DURABLE_SLOT_LENGTH = 64;
    /** Length of the header section. */
    public static final int HEADER_LENGTH = 4096;
    /** Counters the file has room for. */
    public static final int MAX_COUNTERS = 64;
    /** Offset of the counters' metadata section. */
    public static final int COUNTERS_METADATA_OFFSET = HEADER_LENGTH;
    /** Length of the counters' metadata section. */
    public static final int COUNTERS_METADATA_LENGTH = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
    /** Offset of the counters' values section. */
    public static final int COUNTERS_VALUES_OFFSET = COUNTERS_METADATA_OFFSET + COUNTERS_METADATA_LENGTH;
    /** Length of the counters' values section. */
    public static final int COUNTERS_VALUES_LENGTH = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
    /** Offset of the tailer table. */
    public static final int TAILER_TABLE_OFFSET = COUNTERS_VALUES_OFFSET + COUNTERS_VALUES_LENGTH;
    /** Length of the tailer table. */
    public static final int TAILER_TABLE_LENGTH = TailerTableDescriptor.MAX_TAILERS * TailerTableDescriptor.SLOT_LENGTH;
    /** Offset of the error log. */
    public static final int ERROR_LOG_OFFSET = TAILER_TABLE_OFFSET + TAILER_TABLE_LENGTH;
    /** Length of the error log. */
    public static final int ERROR_LOG_LENGTH = 16384;
    /** Length of the whole file. */
    public static final int FILE_LENGTH = ERROR_LOG_OFFSET + ERROR_LOG_LENGTH;
    /** "VARVEMET" as a little-endian long. */
    public static final long MAGIC = 0x54454D4556524156L;
    /** Format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private MetadataDescriptor()
    {
    }

    /**
     * Write the identity fields and their checksum; the magic goes last with a release store.
     *
     * @param buffer        over the metadata file.
     * @param segmentLength of the journal.
     * @param journalId     random id.
     * @param creationTime  epoch nanos.
     */
    public static void writeIdentity(
        final AtomicBuffer buffer,
        final int segmentLength,
        final long journalId,
        final long creationTime)
    {
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putLong(SEGMENT_LENGTH_OFFSET, segmentLength, LITTLE_ENDIAN);
        buffer.putLong(JOURNAL_ID_OFFSET, journalId, LITTLE_ENDIAN);
        buffer.putLong(CREATION_TIME_OFFSET, creationTime, LITTLE_ENDIAN);
        buffer.putInt(IDENTITY_CHECKSUM_OFFSET, identityChecksum(buffer), LITTLE_ENDIAN);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    /**
     * CRC32C of the identity fields.
     *
     * @param buffer over the metadata file.
     * @return the checksum.
     */
    public static int identityChecksum(final DirectBuffer buffer)
    {
        return FrameChecksum.crc32c(buffer, VERSION_OFFSET, IDENTITY_CHECKSUM_OFFSET - VERSION_OFFSET);
    }

    /**
     * Checks the identity fields.
     *
     * @param buffer over the metadata file, at least {@link #HEADER_LENGTH} long.
     * @return null when valid, else the reason.
     */
    public static String validateIdentity(final DirectBuffer buffer)
    {
        final long magic = buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            return "not a Varve metadata file: magic expected=0x" + Long.toHexString(MAGIC) +
                " found=0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version != FORMAT_VERSION)
        {
            return "unknown metadata format version: expected=" + FORMAT_VERSION + " found=" + version +
                " (written by another Varve version)";
        }
        final int stored = buffer.getInt(IDENTITY_CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int computed = identityChecksum(buffer);
        if (stored != computed)
        {
            return "metadata identity checksum mismatch: stored=0x" + Integer.toHexString(stored) +
                " computed=0x" + Integer.toHexString(computed);
        }
        final int headerLength = buffer.getInt(HEADER_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (headerLength != HEADER_LENGTH)
        {
            return "metadata header length: expected=" + HEADER_LENGTH + " found=" + headerLength;
        }
        final long segmentLength = buffer.getLong(SEGMENT_LENGTH_OFFSET, LITTLE_ENDIAN);
        try
        {
            SegmentDescriptor.checkSegmentLength(segmentLength);
        }
        catch (final IllegalArgumentException ex)
        {
            return "metadata " + ex.getMessage();
        }
        return null;
    }

    /**
     * Segment length.
     *
     * @param buffer over the metadata file.
     * @return bytes.
     */
    public static int segmentLength(final DirectBuffer buffer)
    {
        return (int)buffer.getLong(SEGMENT_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Journal id.
     *
     * @param buffer over the metadata file.
     * @return the id.
     */
    public static long journalId(final DirectBuffer buffer)
    {
        return buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Creation time.
     *
     * @param buffer over the metadata file.
     * @return epoch nanos.
     */
    public static long creationTime(final DirectBuffer buffer)
    {
        return buffer.getLong(CREATION_TIME_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Record a new durable position in the slot that does not hold the newest valid generation, with the next
     * generation, so that a torn write of this slot leaves the other one valid. The caller forces the header page
     * and then publishes the durable-position counter.
     *
     * @param buffer   over the metadata file.
     * @param position durable position.
     */
    public static void writeNextDurableSlot(final MutableDirectBuffer buffer, final long position)
    {
        final int newest = newestValidSlot(buffer);
        final long generation = newest < 0 ? 1 : slotGeneration(buffer, newest) + 1;
        final int target = newest == DURABLE_SLOT_A_OFFSET ? DURABLE_SLOT_B_OFFSET : DURABLE_SLOT_A_OFFSET;
        writeDurableSlot(buffer, target, position, generation);
    }

    /**
     * Fill a durable slot.
     *
     * @param buffer     over the metadata file.
     * @param slotOffset {@link #DURABLE_SLOT_A_OFFSET} or {@link #DURABLE_SLOT_B_OFFSET}.
     * @param position   durable position.
     * @param generation one more than the newest slot's.
     */
    public static void writeDurableSlot(
        final MutableDirectBuffer buffer, final int slotOffset, final long position, final long generation)
    {
        buffer.putLong(slotOffset + SLOT_POSITION_OFFSET, position, LITTLE_ENDIAN);
        buffer.putLong(slotOffset + SLOT_GENERATION_OFFSET, generation, LITTLE_ENDIAN);
        buffer.putInt(slotOffset + SLOT_CHECKSUM_OFFSET, slotChecksum(buffer, slotOffset), LITTLE_ENDIAN);
    }

    /**
     * CRC32C of a slot's fields.
     *
     * @param buffer     over the metadata file.
     * @param slotOffset of the slot.
     * @return the checksum.
     */
    public static int slotChecksum(final DirectBuffer buffer, final int slotOffset)
    {
        return FrameChecksum.crc32c(buffer, slotOffset, SLOT_CHECKSUM_OFFSET);
    }

    /**
     * Whether a slot's checksum matches and its generation is set.
     *
     * @param buffer     over the metadata file.
     * @param slotOffset of the slot.
     * @return true when the slot can be trusted.
     */
    public static boolean isSlotValid(final DirectBuffer buffer, final int slotOffset)
    {
        return buffer.getLong(slotOffset + SLOT_GENERATION_OFFSET, LITTLE_ENDIAN) > 0 &&
            buffer.getInt(slotOffset + SLOT_CHECKSUM_OFFSET, LITTLE_ENDIAN) == slotChecksum(buffer, slotOffset);
    }

    /**
     * The slot holding the newest valid durable state.
     *
     * @param buffer over the metadata file.
     * @return the slot's offset, or -1 when neither slot is valid.
     */
    public static int newestValidSlot(final DirectBuffer buffer)
    {
        final boolean aValid = isSlotValid(buffer, DURABLE_SLOT_A_OFFSET);
        final boolean bValid = isSlotValid(buffer, DURABLE_SLOT_B_OFFSET);
        if (aValid && bValid)
        {
            return slotGeneration(buffer, DURABLE_SLOT_A_OFFSET) >= slotGeneration(buffer, DURABLE_SLOT_B_OFFSET) ?
                DURABLE_SLOT_A_OFFSET : DURABLE_SLOT_B_OFFSET;
        }
        return aValid ? DURABLE_SLOT_A_OFFSET : bValid ? DURABLE_SLOT_B_OFFSET : -1;
    }

    /**
     * Durable position in a slot.
     *
     * @param buffer     over the metadata file.
     * @param slotOffset of the slot.
     * @return the position.
     */
    public static long slotPosition(final DirectBuffer buffer, final int slotOffset)
    {
        return buffer.getLong(slotOffset + SLOT_POSITION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Generation of a slot.
     *
     * @param buffer     over the metadata file.
     * @param slotOffset of the slot.
     * @return the generation.
     */
    public static long slotGeneration(final DirectBuffer buffer, final int slotOffset)
    {
        return buffer.getLong(slotOffset + SLOT_GENERATION_OFFSET, LITTLE_ENDIAN);
    }
}
