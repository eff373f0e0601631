package io.varve.journal.write;

import io.varve.journal.format.FrameChecksum;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;

import static io.varve.journal.format.FrameDescriptor.CHECKSUM_OFFSET;
import static io.varve.journal.format.FrameDescriptor.FLAGS_OFFSET;
import static io.varve.journal.format.FrameDescriptor.KEY_LENGTH_OFFSET;
import static io.varve.journal.format.FrameDescriptor.LENGTH_OFFSET;
import static io.varve.journal.format.FrameDescriptor.SCHEMA_VERSION_OFFSET;
import static io.varve.journal.format.FrameDescriptor.SEQUENCE_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TIMESTAMP_OFFSET;
import static io.varve.journal.format.FrameDescriptor.TYPE_OFFSET;

/**
 * The frame publication protocol, on raw memory: write the header fields and payload, then the checksum, then the
 * frame length last with a release store. A reader that loads the length with acquire semantics and sees it
 * non-zero therefore sees the whole frame and a checksum that matches it. The {@link Appender} uses these methods on
 * the mapped segment; the stress module's jcstress tests use the same ones on a plain buffer.
 * <p>
 * Callers have checked bounds: nothing here checks them again.
 * <p>
 * Threading: static methods, no state; one writer per frame.
 */
public final class FrameWriter
{
    private FrameWriter()
    {
    }

    /**
     * Write every header field except the length and the checksum.
     *
     * @param frameAddress  address of the frame.
     * @param sequence      of the record.
     * @param timestamp     epoch nanos.
     * @param type          record type.
     * @param schemaVersion of the payload.
     * @param flags         frame flags.
     * @param keyLength     bytes of key at the start of the payload.
     */
    public static void writeHeader(
        final long frameAddress,
        final long sequence,
        final long timestamp,
        final int type,
        final int schemaVersion,
        final int flags,
        final int keyLength)
    {
        UnsafeApi.putLong(frameAddress + SEQUENCE_OFFSET, sequence);
        UnsafeApi.putLong(frameAddress + TIMESTAMP_OFFSET, timestamp);
        UnsafeApi.putInt(frameAddress + TYPE_OFFSET, type);
        UnsafeApi.putShort(null, frameAddress + SCHEMA_VERSION_OFFSET, (short)schemaVersion);
        UnsafeApi.putByte(frameAddress + FLAGS_OFFSET, (byte)flags);
        UnsafeApi.putByte(frameAddress + KEY_LENGTH_OFFSET, (byte)keyLength);
    }

    /**
     * Store the checksum, then publish the frame by storing its length with a release store.
     *
     * @param frameAddress  address of the frame, whose header and payload are written.
     * @param checksumView  direct view over the memory holding the frame, owned by the caller.
     * @param frameOffset   of the frame in the view.
     * @param frameLength   header plus payload.
     * @param coveredLength bytes the checksum covers: the frame length, or the header length for padding.
     * @param checksum      the writer's checksum, or null to store 0 (frames flagged unchecked).
     */
    public static void commit(
        final long frameAddress,
        final ByteBuffer checksumView,
        final int frameOffset,
        final int frameLength,
        final int coveredLength,
        final FrameChecksum checksum)
    {
        final int crc = checksum == null ? 0 : checksum.compute(checksumView, frameOffset, frameLength, coveredLength);
        UnsafeApi.putInt(frameAddress + CHECKSUM_OFFSET, crc);
        UnsafeApi.putIntRelease(null, frameAddress + LENGTH_OFFSET, frameLength);
    }
}
