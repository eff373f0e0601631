package io.varve.journal.format;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a segment file: the header at its start, frames from {@link #HEADER_LENGTH}, and, in a segment rewritten by
 * compaction in format version 2, a trailer at the end of the file that says where the frames end and how to check
 * them whole.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVESEG"                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         | 12
 *  +---------------------------------------------------------------+
 *  |                        Segment Length                         | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Base Position                         | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Base Sequence                         | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Creation Time (epoch nanos)                  | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Journal Id                           | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                             Flags                             | 56
 *  +---------------------------------------------------------------+
 *  |                        Header Checksum                        | 60
 *  +---------------------------------------------------------------+
 *  |                       Frames from offset 64                  ...
 * </pre>
 * <ul>
 *     <li><b>Magic</b>: the ASCII bytes {@code VARVESEG}. The writer stores it last, with a release store, when it
 *     rolls into the segment; a segment whose magic is zero has been allocated ahead of the writer but not yet
 *     started, and holds no frames.</li>
 *     <li><b>Format Version</b>: {@link #FORMAT_VERSION} (1) for every segment the writer starts;
 *     {@link #COMPACTED_FORMAT_VERSION} (2) for a segment compaction rewrote, which ends with a trailer. A segment
 *     with flag {@link #FLAG_COMPACTED} and version 1 was compacted by an earlier version: it has no trailer and its
 *     frames end at the first zero length.</li>
 *     <li><b>Segment Length</b>: the journal's segment length, a power of two; the file's length, except for a
 *     compacted segment, whose file holds only its frames and trailer.</li>
 *     <li><b>Base Position</b>: the journal position of the file's first byte, a multiple of the segment length.
 *     A frame's position is the base position plus its offset in the file. The file is named after it.</li>
 *     <li><b>Base Sequence</b>: sequence of the first record in the segment (or of the next record when the
 *     segment holds none yet).</li>
 *     <li><b>Journal Id</b>: the id in the metadata file; a segment of another journal is foreign.</li>
 *     <li><b>Flags</b>: {@link #FLAG_COMPACTED} when compaction rewrote the segment.</li>
 *     <li><b>Header Checksum</b>: CRC32C of bytes [8, 60).</li>
 * </ul>
 * The trailer of a version 2 compacted segment: the last {@link #TRAILER_LENGTH} bytes of its file (a multiple of
 * 4096 bytes), offsets relative to the trailer's start.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Zero                                |  0
 *  +---------------------------------------------------------------+
 *  |                          Frame Count                          |  4
 *  +---------------------------------------------------------------+
 *  |                          Frames End                           |  8
 *  +---------------------------------------------------------------+
 *  |                        Frames Checksum                        | 12
 *  +---------------------------------------------------------------+
 *  |                     Magic "VARVEEND"                          | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            | 24
 *  +---------------------------------------------------------------+
 *  |                       Trailer Checksum                        | 28
 *  +---------------------------------------------------------------+
 * </pre>
 * <ul>
 *     <li><b>Zero</b>: reads as a frame length of 0, so a reader that stops at a zero length never takes the
 *     trailer for a frame.</li>
 *     <li><b>Frame Count</b>: records in the segment.</li>
 *     <li><b>Frames End</b>: offset just past the last frame's aligned length ({@link #HEADER_LENGTH} when the
 *     segment kept no record); the frames are exactly [64, Frames End), with no padding frame and no zero length
 *     before it. The bytes from Frames End to the trailer are zero.</li>
 *     <li><b>Frames Checksum</b>: CRC32C of bytes [64, Frames End): it covers frames written without checksums.</li>
 *     <li><b>Reserved</b>: 0.</li>
 *     <li><b>Trailer Checksum</b>: CRC32C of trailer bytes [0, 28).</li>
 * </ul>
 * A missing trailer (a truncated or extended file), a frame count, frames end or frames checksum that the frames do
 * not match are damage: a compacted segment is checked whole, not just up to its first zero length.
 * <p>
 * Threading: static methods, no state.
 */
public final class SegmentDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment length. */
    public static final int SEGMENT_LENGTH_OFFSET = 16;
    /** Offset of the base position. */
    public static final int BASE_POSITION_OFFSET = 24;
    /** Offset of the base sequence. */
    public static final int BASE_SEQUENCE_OFFSET = 32;
    /** Offset of the creation time. */
    public static final int CREATION_TIME_OFFSET = 40;
    /** Offset of the journal id. */
    public static final int JOURNAL_ID_OFFSET = 48;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 56;
    /** Offset of the header checksum. */
    public static final int HEADER_CHECKSUM_OFFSET = 60;
    /** Length of the header; the first frame starts here. */
    public static final int HEADER_LENGTH = 64;
    /** "VARVESEG" as a little-endian long. */
    public static final long MAGIC = 0x4745534556524156L;
    /** Format version of the segments the writer starts; this code reads it, compacted or not. */
    public static final int FORMAT_VERSION = 1;
    /** Format version of a segment rewritten by compaction: its file ends with a trailer. */
    public static final int COMPACTED_FORMAT_VERSION = 2;
    /** Length of a version 2 compacted segment's trailer, the last bytes of its file. */
    public static final int TRAILER_LENGTH = 32;
    /** Offset in the trailer of a zero word, read as "no frame" by any reader that stops at a zero length. */
    public static final int TRAILER_ZERO_OFFSET = 0;
    /** Offset in the trailer of the number of records. */
    public static final int TRAILER_FRAME_COUNT_OFFSET = 4;
    /** Offset in the trailer of the end of the frames. */
    public static final int TRAILER_FRAMES_END_OFFSET = 8;
    /** Offset in the trailer of the CRC32C of the frames. */
    public static final int TRAILER_FRAMES_CHECKSUM_OFFSET = 12;
    /** Offset in the trailer of its magic. */
    public static final int TRAILER_MAGIC_OFFSET = 16;
    /** Offset in the trailer of reserved bytes. */
    public static final int TRAILER_RESERVED_OFFSET = 24;
    /** Offset in the trailer of its checksum, CRC32C of the trailer's bytes before it. */
    public static final int TRAILER_CHECKSUM_OFFSET = 28;
    /** "VARVEEND" as a little-endian long. */
    public static final long TRAILER_MAGIC = 0x444E454556524156L;
    /** A compacted segment's file length is a multiple of this. */
    public static final int COMPACTED_FILE_ALIGNMENT = 4096;
    /** Flag: the segment was rewritten by compaction; positions inside it differ from the original. */
    public static final int FLAG_COMPACTED = 0x1;
    /** Smallest segment length. */
    public static final int MIN_SEGMENT_LENGTH = 64 * 1024;
    /** Largest segment length: one mapping, int offsets. */
    public static final int MAX_SEGMENT_LENGTH = 1024 * 1024 * 1024;

    private static final int CHECKSUM_CHUNK = 64 * 1024;

    private SegmentDescriptor()
    {
    }

    /**
     * Checks a segment length.
     *
     * @param segmentLength to check.
     * @throws IllegalArgumentException when not a power of two in range.
     */
    public static void checkSegmentLength(final long segmentLength)
    {
        if (segmentLength < MIN_SEGMENT_LENGTH || segmentLength > MAX_SEGMENT_LENGTH ||
            !BitUtil.isPowerOfTwo(segmentLength))
        {
            throw new IllegalArgumentException("segment length must be a power of two in [" + MIN_SEGMENT_LENGTH +
                ", " + MAX_SEGMENT_LENGTH + "]: segmentLength=" + segmentLength);
        }
    }

    /**
     * Largest payload a record may have in segments of this length.
     *
     * @param segmentLength of the journal.
     * @return bytes.
     */
    public static int maxPayloadLength(final int segmentLength)
    {
        return segmentLength - HEADER_LENGTH - FrameDescriptor.HEADER_LENGTH;
    }

    /**
     * Write a complete header; the magic goes last with a release store so that a reader that sees it sees the rest.
     *
     * @param buffer        mapped over the segment.
     * @param segmentLength of the file.
     * @param basePosition  journal position of the file's first byte.
     * @param baseSequence  sequence of the segment's first record.
     * @param creationTime  epoch nanos.
     * @param journalId     of the journal.
     * @param flags         segment flags.
     */
    public static void writeHeader(
        final AtomicBuffer buffer,
        final int segmentLength,
        final long basePosition,
        final long baseSequence,
        final long creationTime,
        final long journalId,
        final int flags)
    {
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putLong(SEGMENT_LENGTH_OFFSET, segmentLength, LITTLE_ENDIAN);
        buffer.putLong(BASE_POSITION_OFFSET, basePosition, LITTLE_ENDIAN);
        buffer.putLong(BASE_SEQUENCE_OFFSET, baseSequence, LITTLE_ENDIAN);
        buffer.putLong(CREATION_TIME_OFFSET, creationTime, LITTLE_ENDIAN);
        buffer.putLong(JOURNAL_ID_OFFSET, journalId, LITTLE_ENDIAN);
        buffer.putInt(FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        buffer.putInt(HEADER_CHECKSUM_OFFSET, computeHeaderChecksum(buffer), LITTLE_ENDIAN);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    /**
     * CRC32C of bytes [8, 60) of a header.
     *
     * @param buffer holding the header at offset 0.
     * @return the checksum.
     */
    public static int computeHeaderChecksum(final DirectBuffer buffer)
    {
        return FrameChecksum.crc32c(buffer, VERSION_OFFSET, HEADER_CHECKSUM_OFFSET - VERSION_OFFSET);
    }

    /**
     * Magic, read with acquire semantics.
     *
     * @param buffer holding the header at offset 0.
     * @return the magic or 0 for a segment not yet started.
     */
    public static long magicVolatile(final AtomicBuffer buffer)
    {
        return buffer.getLongVolatile(MAGIC_OFFSET);
    }

    /**
     * Base sequence.
     *
     * @param buffer holding the header at offset 0.
     * @return the sequence of the first record.
     */
    public static long baseSequence(final DirectBuffer buffer)
    {
        return buffer.getLong(BASE_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Base position.
     *
     * @param buffer holding the header at offset 0.
     * @return position of the file's first byte.
     */
    public static long basePosition(final DirectBuffer buffer)
    {
        return buffer.getLong(BASE_POSITION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Creation time.
     *
     * @param buffer holding the header at offset 0.
     * @return epoch nanos.
     */
    public static long creationTime(final DirectBuffer buffer)
    {
        return buffer.getLong(CREATION_TIME_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Segment flags.
     *
     * @param buffer holding the header at offset 0.
     * @return flag bits.
     */
    public static int flags(final DirectBuffer buffer)
    {
        return buffer.getInt(FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Whether compaction rewrote the segment: its file may be shorter and its sequences may have gaps.
     *
     * @param buffer holding the header at offset 0.
     * @return true when {@link #FLAG_COMPACTED} is set.
     */
    public static boolean isCompacted(final DirectBuffer buffer)
    {
        return (flags(buffer) & FLAG_COMPACTED) != 0;
    }

    /**
     * Checks a started segment's header against what the journal expects.
     *
     * @param buffer        holding the header at offset 0.
     * @param segmentLength expected.
     * @param basePosition  expected, from the file name.
     * @param journalId     expected, from the metadata file.
     * @return null when valid, else the reason, in "what: expected=x found=y" form.
     */
    public static String validateHeader(
        final DirectBuffer buffer, final int segmentLength, final long basePosition, final long journalId)
    {
        final long magic = buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            return "bad segment magic: expected=0x" + Long.toHexString(MAGIC) + " found=0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version != FORMAT_VERSION && version != COMPACTED_FORMAT_VERSION)
        {
            return "unknown segment format version: expected=" + FORMAT_VERSION + " found=" + version + " (or " +
                COMPACTED_FORMAT_VERSION + " for a compacted segment); a newer Varve may have written it";
        }
        final int storedChecksum = buffer.getInt(HEADER_CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int checksum = computeHeaderChecksum(buffer);
        if (storedChecksum != checksum)
        {
            return "segment header checksum mismatch: stored=0x" + Integer.toHexString(storedChecksum) +
                " computed=0x" + Integer.toHexString(checksum);
        }
        if (version == COMPACTED_FORMAT_VERSION && !isCompacted(buffer))
        {
            return "segment format version 2 is only for compacted segments: flags=0x" +
                Integer.toHexString(flags(buffer));
        }
        final int headerLength = buffer.getInt(HEADER_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (headerLength != HEADER_LENGTH)
        {
            return "segment header length: expected=" + HEADER_LENGTH + " found=" + headerLength;
        }
        final long storedLength = buffer.getLong(SEGMENT_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (storedLength != segmentLength)
        {
            return "segment length: expected=" + segmentLength + " found=" + storedLength;
        }
        final long storedBase = buffer.getLong(BASE_POSITION_OFFSET, LITTLE_ENDIAN);
        if (storedBase != basePosition)
        {
            return "segment base position: expected=" + basePosition + " found=" + storedBase;
        }
        final long storedId = buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN);
        if (storedId != journalId)
        {
            return "segment belongs to another journal: expected journalId=" + Long.toHexString(journalId) +
                " found=" + Long.toHexString(storedId);
        }
        return null;
    }

    /**
     * Format version.
     *
     * @param buffer holding the header at offset 0.
     * @return {@link #FORMAT_VERSION} or {@link #COMPACTED_FORMAT_VERSION} in a valid header.
     */
    public static int version(final DirectBuffer buffer)
    {
        return buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Whether a valid header is that of a segment whose file ends with a trailer (compacted, format version 2).
     *
     * @param buffer holding a header that {@link #validateHeader} accepted.
     * @return true when the file has a trailer.
     */
    public static boolean hasTrailer(final DirectBuffer buffer)
    {
        return version(buffer) == COMPACTED_FORMAT_VERSION;
    }

    /**
     * Length of the file of a compacted segment whose frames end at an offset: room for the trailer, rounded up to
     * {@link #COMPACTED_FILE_ALIGNMENT}.
     *
     * @param framesEnd offset just past the last frame.
     * @return bytes.
     */
    public static int compactedFileLength(final int framesEnd)
    {
        return (framesEnd + TRAILER_LENGTH + COMPACTED_FILE_ALIGNMENT - 1) & -COMPACTED_FILE_ALIGNMENT;
    }

    /**
     * Write the trailer of a compacted segment, its frames already in place at [64, framesEnd) and zeros after them.
     *
     * @param file       buffer over the whole file.
     * @param fileLength of the file, {@link #compactedFileLength(int)}.
     * @param frameCount records in the frames.
     * @param framesEnd  offset just past the last frame.
     */
    public static void writeTrailer(
        final MutableDirectBuffer file, final int fileLength, final int frameCount, final int framesEnd)
    {
        final int trailer = fileLength - TRAILER_LENGTH;
        file.putInt(trailer + TRAILER_ZERO_OFFSET, 0, LITTLE_ENDIAN);
        file.putInt(trailer + TRAILER_FRAME_COUNT_OFFSET, frameCount, LITTLE_ENDIAN);
        file.putInt(trailer + TRAILER_FRAMES_END_OFFSET, framesEnd, LITTLE_ENDIAN);
        file.putInt(trailer + TRAILER_FRAMES_CHECKSUM_OFFSET, computeFramesChecksum(file, framesEnd), LITTLE_ENDIAN);
        file.putLong(trailer + TRAILER_MAGIC_OFFSET, TRAILER_MAGIC, LITTLE_ENDIAN);
        file.putInt(trailer + TRAILER_RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        file.putInt(trailer + TRAILER_CHECKSUM_OFFSET,
            FrameChecksum.crc32c(file, trailer, TRAILER_CHECKSUM_OFFSET), LITTLE_ENDIAN);
    }

    /**
     * Checks the trailer of a version 2 compacted segment: where it is, its magic and checksum, that the frames end
     * it states lies inside the file and that the bytes between the frames and the trailer are zero. The frames
     * themselves are checked by reading them, then {@link #checkFrames}.
     *
     * @param file       buffer over the whole file.
     * @param fileLength of the file as found.
     * @return null when valid, else the reason, in "what: expected=x found=y" form.
     */
    public static String validateTrailer(final DirectBuffer file, final int fileLength)
    {
        if (fileLength % COMPACTED_FILE_ALIGNMENT != 0 || fileLength < HEADER_LENGTH + TRAILER_LENGTH)
        {
            return "compacted segment file length is not a multiple of " + COMPACTED_FILE_ALIGNMENT +
                ": length=" + fileLength + " (truncated or extended)";
        }
        final int trailer = fileLength - TRAILER_LENGTH;
        final long magic = file.getLong(trailer + TRAILER_MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != TRAILER_MAGIC)
        {
            return "compacted segment trailer missing (file truncated or extended?): expected magic=0x" +
                Long.toHexString(TRAILER_MAGIC) + " found=0x" + Long.toHexString(magic) + " at offset=" +
                (trailer + TRAILER_MAGIC_OFFSET);
        }
        final int stored = file.getInt(trailer + TRAILER_CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int computed = FrameChecksum.crc32c(file, trailer, TRAILER_CHECKSUM_OFFSET);
        if (stored != computed)
        {
            return "compacted segment trailer checksum mismatch: stored=0x" + Integer.toHexString(stored) +
                " computed=0x" + Integer.toHexString(computed);
        }
        final int framesEnd = trailerFramesEnd(file, fileLength);
        final int frameCount = trailerFrameCount(file, fileLength);
        if (framesEnd < HEADER_LENGTH || framesEnd > trailer ||
            (framesEnd & (FrameDescriptor.FRAME_ALIGNMENT - 1)) != 0 ||
            frameCount < 0 || frameCount > (framesEnd - HEADER_LENGTH) / FrameDescriptor.HEADER_LENGTH ||
            file.getInt(trailer + TRAILER_ZERO_OFFSET, LITTLE_ENDIAN) != 0)
        {
            return "compacted segment trailer out of range: framesEnd=" + framesEnd + " frameCount=" + frameCount +
                " trailerOffset=" + trailer;
        }
        for (int i = framesEnd; i < trailer; i++)
        {
            if (file.getByte(i) != 0)
            {
                return "non-zero byte between a compacted segment's frames and its trailer: offset=" + i +
                    " framesEnd=" + framesEnd;
            }
        }
        return null;
    }

    /**
     * Checks a version 2 compacted segment's frames as a whole, once a reader has read them all: how many records it
     * read and the CRC32C of the frames, which covers frames written without checksums.
     *
     * @param file        buffer over the whole file, with a trailer that {@link #validateTrailer} accepted.
     * @param fileLength  of the file.
     * @param recordsRead records read from the first frame to the frames end.
     * @return null when they match the trailer, else the reason.
     */
    public static String checkFrames(final DirectBuffer file, final int fileLength, final long recordsRead)
    {
        final int frameCount = trailerFrameCount(file, fileLength);
        if (recordsRead != frameCount)
        {
            return "compacted segment frame count: expected=" + frameCount + " found=" + recordsRead;
        }
        final int framesEnd = trailerFramesEnd(file, fileLength);
        final int stored = file.getInt(fileLength - TRAILER_LENGTH + TRAILER_FRAMES_CHECKSUM_OFFSET, LITTLE_ENDIAN);
        final int computed = computeFramesChecksum(file, framesEnd);
        if (stored != computed)
        {
            return "compacted segment frames checksum mismatch over [" + HEADER_LENGTH + ", " + framesEnd +
                "): stored=0x" + Integer.toHexString(stored) + " computed=0x" + Integer.toHexString(computed);
        }
        return null;
    }

    /**
     * Frames end stated by a compacted segment's trailer.
     *
     * @param file       buffer over the whole file.
     * @param fileLength of the file.
     * @return offset just past the last frame.
     */
    public static int trailerFramesEnd(final DirectBuffer file, final int fileLength)
    {
        return file.getInt(fileLength - TRAILER_LENGTH + TRAILER_FRAMES_END_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Frame count stated by a compacted segment's trailer.
     *
     * @param file       buffer over the whole file.
     * @param fileLength of the file.
     * @return records in the segment.
     */
    public static int trailerFrameCount(final DirectBuffer file, final int fileLength)
    {
        return file.getInt(fileLength - TRAILER_LENGTH + TRAILER_FRAME_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * CRC32C of a segment's frames, bytes [64, framesEnd).
     *
     * @param file      buffer over the file.
     * @param framesEnd offset just past the last frame.
     * @return the checksum.
     */
    public static int computeFramesChecksum(final DirectBuffer file, final int framesEnd)
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer view = file.byteBuffer();
        if (view != null && view.isDirect())
        {
            final int adjustment = file.wrapAdjustment();
            crc.update(view.duplicate().limit(adjustment + framesEnd).position(adjustment + HEADER_LENGTH));
        }
        else
        {
            final byte[] chunk = new byte[Math.min(CHECKSUM_CHUNK, Math.max(0, framesEnd - HEADER_LENGTH))];
            for (int offset = HEADER_LENGTH; offset < framesEnd; offset += chunk.length)
            {
                final int length = Math.min(chunk.length, framesEnd - offset);
                file.getBytes(offset, chunk, 0, length);
                crc.update(chunk, 0, length);
            }
        }
        return (int)crc.getValue();
    }

    /**
     * Journal id in a header.
     *
     * @param buffer holding the header at offset 0.
     * @return the id.
     */
    public static long journalId(final DirectBuffer buffer)
    {
        return buffer.getLong(JOURNAL_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Clear a header, magic first so no reader takes the rest as valid.
     *
     * @param buffer mapped over the segment.
     */
    public static void clearHeader(final MutableDirectBuffer buffer)
    {
        buffer.putLong(MAGIC_OFFSET, 0);
        buffer.setMemory(0, HEADER_LENGTH, (byte)0);
    }
}
