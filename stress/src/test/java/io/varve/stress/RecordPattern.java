package io.varve.stress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The records every stress test writes: length, type and every payload byte follow from the journal's seed and the
 * record's sequence, so any process can check any record it reads without being told what was written. Lengths are
 * mostly small, sometimes a few KiB and now and then tens of KiB, so frames straddle pages and segments end with
 * padding of every size.
 * <p>
 * Threading: immutable.
 */
public final class RecordPattern
{
    /** Largest payload: fits a 64 KiB segment with room to spare. */
    public static final int MAX_LENGTH = 24 * 1024;
    /** Smallest payload: the sequence. */
    public static final int MIN_LENGTH = Long.BYTES;

    private final long seed;

    public RecordPattern(final long seed)
    {
        this.seed = seed;
    }

    public long seed()
    {
        return seed;
    }

    public int length(final long sequence)
    {
        final long hash = mix(seed + sequence * 0x9E37_79B9_7F4A_7C15L);
        final int bucket = (int)(hash & 0xFF);
        final long value = hash >>> 8;
        if (bucket < 184)
        {
            return MIN_LENGTH + (int)(value % 200);
        }
        if (bucket < 248)
        {
            return 200 + (int)(value % 1900);
        }
        return 2000 + (int)(value % (MAX_LENGTH - 2000));
    }

    public int type(final long sequence)
    {
        return (int)(mix(seed ^ sequence) & 7);
    }

    /**
     * Write a record's payload.
     */
    public void fill(final MutableDirectBuffer buffer, final int offset, final long sequence)
    {
        final int length = length(sequence);
        buffer.putLong(offset, sequence, LITTLE_ENDIAN);
        long state = mix(seed ^ (sequence << 1));
        int i = MIN_LENGTH;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            state = mix(state);
            buffer.putLong(offset + i, state, LITTLE_ENDIAN);
        }
        state = mix(state);
        for (; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)(state >>> (8 * (i & 7))));
        }
    }

    /**
     * Whether a payload is the one {@link #fill} writes for a sequence.
     */
    public boolean matches(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        if (length != length(sequence) || buffer.getLong(offset, LITTLE_ENDIAN) != sequence)
        {
            return false;
        }
        long state = mix(seed ^ (sequence << 1));
        int i = MIN_LENGTH;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            state = mix(state);
            if (buffer.getLong(offset + i, LITTLE_ENDIAN) != state)
            {
                return false;
            }
        }
        state = mix(state);
        for (; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(state >>> (8 * (i & 7))))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * SplitMix64's finaliser: a cheap, well-mixed 64-bit hash.
     */
    public static long mix(final long value)
    {
        long z = value + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
