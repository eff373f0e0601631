package io.varve.journal.storage;

import io.varve.journal.format.SegmentDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a segment's header with a plain read, for when mapping the whole segment would be wasteful: listing
 * segments, finding the segment that holds a sequence.
 * <p>
 * Threading: static methods, no state.
 */
public final class SegmentHeaderReader
{
    private SegmentHeaderReader()
    {
    }

    /**
     * The header bytes of a segment file.
     *
     * @param segment path of the file.
     * @return a buffer of {@link SegmentDescriptor#HEADER_LENGTH} bytes, or null when the file is missing or shorter.
     * @throws io.varve.journal.JournalConfigurationException when the file may not be read (permission denied).
     */
    public static UnsafeBuffer read(final Path segment)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(SegmentDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes, bytes.position()) < 0)
                {
                    return null;
                }
            }
        }
        catch (final IOException ex)
        {
            if (AccessDenied.is(ex))
            {
                // not the same as missing: a reader or recovery must not take an unreadable segment for an absent one
                throw AccessDenied.exception(segment, "read the segment", ex);
            }
            return null;
        }
        return new UnsafeBuffer(bytes.array());
    }

    /**
     * Base sequence of a started segment.
     *
     * @param segment path of the file.
     * @return the base sequence, or -1 when the file is missing, short or not started.
     */
    public static long baseSequence(final Path segment)
    {
        final UnsafeBuffer header = read(segment);
        if (header == null || header.getLong(SegmentDescriptor.MAGIC_OFFSET) != SegmentDescriptor.MAGIC)
        {
            return -1;
        }
        return SegmentDescriptor.baseSequence(header);
    }
}
