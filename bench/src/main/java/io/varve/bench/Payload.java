package io.varve.bench;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The payload every benchmark writes: the same byte pattern for every system, in memory off the heap.
 * <p>
 * Threading: static methods, no state.
 */
public final class Payload
{
    /** Largest payload any benchmark writes. */
    public static final int MAX_LENGTH = 4096;
    /** Alignment of payload buffers. */
    public static final int ALIGNMENT = 64;
    /** Byte {@code i} of the pattern is {@code i % PATTERN_MODULUS}. */
    public static final int PATTERN_MODULUS = 251;

    private Payload()
    {
    }

    /**
     * A direct, cache-line aligned buffer holding the pattern.
     *
     * @param length bytes.
     * @return the buffer.
     */
    public static UnsafeBuffer direct(final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, ALIGNMENT));
        fill(buffer, length);
        return buffer;
    }

    /**
     * The pattern as a byte array.
     *
     * @param length bytes.
     * @return the bytes.
     */
    public static byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % PATTERN_MODULUS);
        }
        return bytes;
    }

    private static void fill(final UnsafeBuffer buffer, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(i % PATTERN_MODULUS));
        }
    }
}
