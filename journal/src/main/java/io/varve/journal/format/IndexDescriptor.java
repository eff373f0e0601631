package io.varve.journal.format;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a segment's sparse index file, named like its segment with {@code .idx}. The writer adds an entry for
 * the first frame that starts at or after each {@code Index Interval} boundary of the segment, so the first entry
 * is the segment's first frame and seeking costs a binary search plus a scan of at most one interval.
 * <pre>
 *  Header
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVEIDX"                          |   0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |   8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         |  12
 *  +---------------------------------------------------------------+
 *  |                 Segment Base Position                         |  16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Journal Id                           |  24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Index Interval (bytes)                      |  32
 *  +---------------------------------------------------------------+
 *  |                      Reserved (24 bytes)                      |  36
 *  +---------------------------------------------------------------+
 *  |                        Header Checksum                        |  60
 *  +---------------------------------------------------------------+
 *
 *  Entry (from offset 64, ENTRY_LENGTH bytes each)
 *  +---------------------------------------------------------------+
 *  |                  Sequence of the frame                        |  +0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Timestamp of the frame                       |  +8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Frame Offset in the segment (0 = empty)           | +16
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            | +20
 *  +---------------------------------------------------------------+
 * </pre>
 * The frame offset is stored last with a release store; entries are filled in order, so the valid entries are a
 * prefix. The index is a hint: every reader checks the frame an entry points to (its sequence and timestamp) and
 * falls back to scanning when they differ. Recovery rebuilds the entries of the segments it scans.
 * The header checksum is CRC32C of bytes [8, 60).
 * <p>
 * Threading: static methods, no state.
 */
public final class IndexDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment base position. */
    public static final int BASE_POSITION_OFFSET = 16;
    /** Offset of the journal id. */
    public static final int JOURNAL_ID_OFFSET = 24;
    /** Offset of the index interval. */
    public static final int INTERVAL_OFFSET = 32;
    /** Offset of the header checksum. */
    public static final int HEADER_CHECKSUM_OFFSET = 60;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 64;
    /** Offset of an entry's sequence. */
    public static final int ENTRY_SEQUENCE_OFFSET = 0;
    /** Offset of an entry's timestamp. */
    public static final int ENTRY_TIMESTAMP_OFFSET = 8;
    /** Offset of an entry's frame offset. */
    public static final int ENTRY_FRAME_OFFSET_OFFSET = 16;
    /** Bytes per entry. */
    public static final int ENTRY_LENGTH = 24;
    /** Default bytes of segment between entries. */
    public static final int DEFAULT_INTERVAL = 4096;
    /** "VARVEIDX" as a little-endian long. */
    public static final long MAGIC = 0x5844494556524156L;
    /** Format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private IndexDescriptor()
    {
    }

    /**
     * Entries an index of a segment can hold.
     *
     * @param segmentLength of the journal.
     * @param interval      bytes between entries.
     * @return the capacity.
     */
    public static int capacity(final int segmentLength, final int interval)
    {
        return segmentLength / interval;
    }

    /**
     * Length of an index file, rounded up to a page.
     *
     * @param segmentLength of the journal.
     * @param interval      bytes between entries.
     * @return bytes.
     */
    public static int fileLength(final int segmentLength, final int interval)
    {
        return BitUtil.align(HEADER_LENGTH + capacity(segmentLength, interval) * ENTRY_LENGTH, 4096);
    }

    /**
     * Offset of an entry in the file.
     *
     * @param entry index.
     * @return offset.
     */
    public static int entryOffset(final int entry)
    {
        return HEADER_LENGTH + entry * ENTRY_LENGTH;
    }

    /**
     * Write the header; the magic goes last with a release store.
     *
     * @param buffer       over the index file.
     * @param basePosition of the segment.
     * @param journalId    of the journal.
     * @param interval     bytes between entries.
     */
    public static void writeHeader(
        final AtomicBuffer buffer, final long basePosition, final long journalId, final int interval)
    {
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putLong(BASE_POSITION_OFFSET, basePosition, LITTLE_ENDIAN);
        buffer.putLong(JOURNAL_ID_OFFSET, journalId, LITTLE_ENDIAN);
        buffer.putInt(INTERVAL_OFFSET, interval, LITTLE_ENDIAN);
        buffer.putInt(HEADER_CHECKSUM_OFFSET, headerChecksum(buffer), LITTLE_ENDIAN);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    /**
     * CRC32C of header bytes [8, 60).
     *
     * @param buffer over the index file.
     * @return the checksum.
     */
    public static int headerChecksum(final DirectBuffer buffer)
    {
        return FrameChecksum.crc32c(buffer, VERSION_OFFSET, HEADER_CHECKSUM_OFFSET - VERSION_OFFSET);
    }

    /**
     * Whether an index header is valid for a segment.
     *
     * @param buffer       over the index file.
     * @param basePosition of the segment.
     * @param journalId    of the journal.
     * @return true when it can be used.
     */
    public static boolean isHeaderValid(final DirectBuffer buffer, final long basePosition, final long journalId)
    {
        return buffer.capacity() >= HEADER_LENGTH &&
            buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN) == MAGIC &&
            buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN) == FORMAT_VERSION &&
            buffer.getInt(HEADER_CHECKSUM_OFFSET, LITTLE_ENDIAN) == headerChecksum(buffer) &&
            buffer.getLong(BASE_POSITION_OFFSET, LITTLE_ENDIAN) == basePosition &&
            buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN) == journalId &&
            buffer.getInt(INTERVAL_OFFSET, LITTLE_ENDIAN) > 0;
    }

    /**
     * Index interval in a header.
     *
     * @param buffer over the index file.
     * @return bytes between entries.
     */
    public static int interval(final DirectBuffer buffer)
    {
        return buffer.getInt(INTERVAL_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Frame offset of an entry, read with acquire semantics.
     *
     * @param buffer over the index file.
     * @param entry  index.
     * @return the offset of the frame in its segment, or 0 when the entry is empty.
     */
    public static int frameOffsetVolatile(final AtomicBuffer buffer, final int entry)
    {
        return buffer.getIntVolatile(entryOffset(entry) + ENTRY_FRAME_OFFSET_OFFSET);
    }

    /**
     * Sequence of an entry.
     *
     * @param buffer over the index file.
     * @param entry  index.
     * @return the sequence of the frame.
     */
    public static long sequence(final DirectBuffer buffer, final int entry)
    {
        return buffer.getLong(entryOffset(entry) + ENTRY_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Timestamp of an entry.
     *
     * @param buffer over the index file.
     * @param entry  index.
     * @return the timestamp of the frame.
     */
    public static long timestamp(final DirectBuffer buffer, final int entry)
    {
        return buffer.getLong(entryOffset(entry) + ENTRY_TIMESTAMP_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Add an entry: sequence and timestamp, then the frame offset with a release store.
     *
     * @param buffer      over the index file.
     * @param entry       index.
     * @param sequence    of the frame.
     * @param timestamp   of the frame.
     * @param frameOffset of the frame in its segment.
     */
    public static void putEntry(
        final AtomicBuffer buffer, final int entry, final long sequence, final long timestamp, final int frameOffset)
    {
        final int offset = entryOffset(entry);
        buffer.putLong(offset + ENTRY_SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        buffer.putLong(offset + ENTRY_TIMESTAMP_OFFSET, timestamp, LITTLE_ENDIAN);
        buffer.putIntRelease(offset + ENTRY_FRAME_OFFSET_OFFSET, frameOffset);
    }
}
