package io.varve.journal.format;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.zip.CRC32C;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a snapshot file, {@code snapshots/snapshot-<next sequence, 20 digits>.snap}: an application's state and
 * the sequence it covers, so a restart loads the newest valid snapshot and replays only the records after it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVESNP"                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         | 12
 *  +---------------------------------------------------------------+
 *  |       Next Sequence (the state covers every record below)     | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Journal Id                           | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Creation Time (epoch nanos)                  | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         State Length                          | 40
 *  +---------------------------------------------------------------+
 *  |                      Reserved (16 bytes)                      | 44
 *  +---------------------------------------------------------------+
 *  |          Checksum: CRC32C of [8, 60) || state bytes           | 60
 *  +---------------------------------------------------------------+
 *  |                        State bytes                           ...
 * </pre>
 * A snapshot is written to a temporary file, forced, renamed into place and its directory forced, so a crash
 * leaves either the complete new snapshot or none; readers skip a snapshot whose checksum does not match.
 * <p>
 * Threading: static methods, no state.
 */
public final class SnapshotDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the next sequence. */
    public static final int NEXT_SEQUENCE_OFFSET = 16;
    /** Offset of the journal id. */
    public static final int JOURNAL_ID_OFFSET = 24;
    /** Offset of the creation time. */
    public static final int CREATION_TIME_OFFSET = 32;
    /** Offset of the state length. */
    public static final int STATE_LENGTH_OFFSET = 40;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 60;
    /** Length of the header; the state follows. */
    public static final int HEADER_LENGTH = 64;
    /** "VARVESNP" as a little-endian long. */
    public static final long MAGIC = 0x504E534556524156L;
    /** Format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private SnapshotDescriptor()
    {
    }

    /**
     * Write a header for a state already in the buffer after it.
     *
     * @param buffer       holding header and state.
     * @param nextSequence the state covers every record below it.
     * @param journalId    of the journal the state comes from.
     * @param creationTime epoch nanos.
     * @param stateLength  bytes of state after the header.
     */
    public static void writeHeader(
        final MutableDirectBuffer buffer,
        final long nextSequence,
        final long journalId,
        final long creationTime,
        final int stateLength)
    {
        buffer.putLong(MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putLong(NEXT_SEQUENCE_OFFSET, nextSequence, LITTLE_ENDIAN);
        buffer.putLong(JOURNAL_ID_OFFSET, journalId, LITTLE_ENDIAN);
        buffer.putLong(CREATION_TIME_OFFSET, creationTime, LITTLE_ENDIAN);
        buffer.putInt(STATE_LENGTH_OFFSET, stateLength, LITTLE_ENDIAN);
        buffer.putInt(CHECKSUM_OFFSET, checksum(buffer, stateLength), LITTLE_ENDIAN);
    }

    /**
     * CRC32C of header bytes [8, 60) followed by the state.
     *
     * @param buffer      holding header and state.
     * @param stateLength bytes of state.
     * @return the checksum.
     */
    public static int checksum(final DirectBuffer buffer, final int stateLength)
    {
        final byte[] bytes = new byte[HEADER_LENGTH + stateLength];
        buffer.getBytes(0, bytes);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, VERSION_OFFSET, CHECKSUM_OFFSET - VERSION_OFFSET);
        crc.update(bytes, HEADER_LENGTH, stateLength);
        return (int)crc.getValue();
    }

    /**
     * Check a snapshot read whole into a buffer.
     *
     * @param buffer     holding the file.
     * @param fileLength bytes read.
     * @return null when valid, else the reason.
     */
    public static String validate(final DirectBuffer buffer, final int fileLength)
    {
        if (fileLength < HEADER_LENGTH)
        {
            return "snapshot shorter than its header: length=" + fileLength;
        }
        if (buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN) != MAGIC)
        {
            return "not a snapshot: bad magic";
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version != FORMAT_VERSION)
        {
            return "unknown snapshot format version: expected=" + FORMAT_VERSION + " found=" + version;
        }
        final int stateLength = buffer.getInt(STATE_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (stateLength < 0 || stateLength != fileLength - HEADER_LENGTH)
        {
            return "snapshot state length does not match the file: stateLength=" + stateLength + " file=" +
                fileLength;
        }
        final int stored = buffer.getInt(CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int computed = checksum(buffer, stateLength);
        if (stored != computed)
        {
            return "snapshot checksum mismatch: stored=0x" + Integer.toHexString(stored) + " computed=0x" +
                Integer.toHexString(computed);
        }
        return null;
    }

    /**
     * File name of the snapshot covering records below a sequence.
     *
     * @param nextSequence of the snapshot.
     * @return e.g. {@code snapshot-00000000000000123456.snap}.
     */
    public static String fileName(final long nextSequence)
    {
        final String digits = Long.toString(nextSequence);
        return "snapshot-" + "0".repeat(JournalDirectoryLayout.POSITION_DIGITS - digits.length()) + digits + ".snap";
    }
}
