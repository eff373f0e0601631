package io.varve.journal.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Which boot of the host this is, from Linux's {@code /proc/sys/kernel/random/boot_id}. A writer records it; when
 * recovery runs on the same boot the page cache the writer wrote into survived (a killed process loses nothing in
 * it), which bounds what recovery must clear after the last committed frame.
 * <p>
 * Threading: static methods; the id is read once.
 */
public final class HostBoot
{
    /** Bytes of a boot id. */
    public static final int ID_LENGTH = 16;

    private static final byte[] ID = read();

    private HostBoot()
    {
    }

    /**
     * This boot's id.
     *
     * @return 16 bytes, all zero when the host does not say.
     */
    public static byte[] id()
    {
        return ID.clone();
    }

    /**
     * Whether an id is a real one.
     *
     * @param id 16 bytes.
     * @return false when all zero.
     */
    public static boolean isKnown(final byte[] id)
    {
        for (final byte b : id)
        {
            if (b != 0)
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] read()
    {
        final byte[] id = new byte[ID_LENGTH];
        try
        {
            final UUID uuid = UUID.fromString(
                Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).trim());
            for (int i = 0; i < Long.BYTES; i++)
            {
                id[i] = (byte)(uuid.getMostSignificantBits() >>> (8 * i));
                id[Long.BYTES + i] = (byte)(uuid.getLeastSignificantBits() >>> (8 * i));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // not Linux, or no /proc: recovery then always clears the whole rest of the tail segment
        }
        return id;
    }
}
