package io.varve.journal.write;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A claimed frame in the segment: fill {@link #buffer()} from offset 0 to {@link #length()}, then
 * {@link #commit()} to publish it or {@link #abort()} to give the space back. Nothing is visible to tailers until
 * the commit. The same instance is reused for every claim of an appender, so claiming allocates nothing.
 * <pre>{@code
 * final RecordClaim claim = appender.claim(24, ORDER_TYPE);
 * claim.buffer().putLong(0, orderId);
 * claim.buffer().putLong(8, price);
 * claim.buffer().putLong(16, quantity);
 * final long position = claim.commit();
 * }</pre>
 * Threading: NOT threadsafe; belongs to the appender's thread.
 */
public final class RecordClaim
{
    private final Appender appender;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);

    RecordClaim(final Appender appender)
    {
        this.appender = appender;
    }

    void wrap(final long address, final int length)
    {
        buffer.wrap(address, length);
    }

    /**
     * The payload, straight in the mapped segment.
     *
     * @return a buffer from offset 0 to {@link #length()}.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Payload length claimed.
     *
     * @return bytes.
     */
    public int length()
    {
        return buffer.capacity();
    }

    /**
     * Publish the record: checksum, then the frame length with a release store.
     *
     * @return the record's position.
     */
    public long commit()
    {
        return appender.commitClaim();
    }

    /**
     * Publish only the first {@code length} bytes of the claim, for encoders that learn the length as they write
     * (claim a bound, encode, commit what was written). The rest of the claim is zeroed and given back to the next
     * record, so claim a tight bound: the zeroing costs what the slack is long.
     *
     * @param length of the payload, 0 to {@link #length()}.
     * @return the record's position.
     */
    public long commit(final int length)
    {
        return appender.commitClaim(length);
    }

    /**
     * Give the space back; the next record takes it.
     */
    public void abort()
    {
        appender.abortClaim();
    }
}
