package io.varve.cli.demo;

import io.varve.journal.read.RecordHandler;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Positions and cash per account, rebuilt from fill events: the state a trading system replays from its journal.
 * Held in flat arrays, so applying an event allocates nothing.
 * <p>
 * Threading: NOT threadsafe; owned by the thread that applies events.
 */
public final class Portfolio implements RecordHandler
{
    /** Accounts the demo trades for. */
    public static final int ACCOUNTS = 16;
    /** Symbols the demo trades. */
    public static final int SYMBOLS = 64;
    /** Record type that ends the demo's stream. */
    public static final int END_TYPE = 99;

    private final long[] positions = new long[ACCOUNTS * SYMBOLS];
    private final long[] cash = new long[ACCOUNTS];
    private long orders;
    private long fills;
    private boolean ended;

    /**
     * Apply one journal record: fills move positions and cash; orders are counted.
     */
    public void onRecord(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long sequence,
        final long timestamp,
        final int type)
    {
        if (type == FillEvent.TYPE)
        {
            applyFill(FillEvent.accountId(buffer, offset), FillEvent.symbolId(buffer, offset),
                FillEvent.quantity(buffer, offset), FillEvent.price(buffer, offset));
        }
        else if (type == OrderEvent.TYPE)
        {
            orders++;
        }
        else if (type == END_TYPE)
        {
            ended = true;
        }
    }

    /**
     * Apply a fill.
     *
     * @param accountId account.
     * @param symbolId  instrument.
     * @param quantity  signed quantity.
     * @param price     ticks.
     */
    public void applyFill(final int accountId, final int symbolId, final long quantity, final long price)
    {
        positions[accountId * SYMBOLS + symbolId] += quantity;
        cash[accountId] -= quantity * price;
        fills++;
    }

    /** Bytes {@link #encode} writes. */
    public static final int ENCODED_LENGTH = (ACCOUNTS * SYMBOLS + ACCOUNTS + 2) * Long.BYTES;

    /**
     * Write the state, for a snapshot.
     *
     * @param buffer to write into, at least {@link #ENCODED_LENGTH} long from the offset.
     * @param offset where to start.
     * @return bytes written.
     */
    public int encode(final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        for (final long position : positions)
        {
            buffer.putLong(at, position, LITTLE_ENDIAN);
            at += Long.BYTES;
        }
        for (final long balance : cash)
        {
            buffer.putLong(at, balance, LITTLE_ENDIAN);
            at += Long.BYTES;
        }
        buffer.putLong(at, orders, LITTLE_ENDIAN);
        buffer.putLong(at + Long.BYTES, fills, LITTLE_ENDIAN);
        return ENCODED_LENGTH;
    }

    /**
     * Replace the state with one from a snapshot.
     *
     * @param buffer       holding the encoded state.
     * @param offset       of the state.
     * @param length       of the state.
     * @param nextSequence the snapshot covers records below it.
     */
    public void load(final DirectBuffer buffer, final int offset, final int length, final long nextSequence)
    {
        if (length != ENCODED_LENGTH)
        {
            throw new IllegalArgumentException("not a portfolio snapshot: length=" + length);
        }
        int at = offset;
        for (int i = 0; i < positions.length; i++, at += Long.BYTES)
        {
            positions[i] = buffer.getLong(at, LITTLE_ENDIAN);
        }
        for (int i = 0; i < cash.length; i++, at += Long.BYTES)
        {
            cash[i] = buffer.getLong(at, LITTLE_ENDIAN);
        }
        orders = buffer.getLong(at, LITTLE_ENDIAN);
        fills = buffer.getLong(at + Long.BYTES, LITTLE_ENDIAN);
    }

    /**
     * A digest of every position and cash balance, to compare portfolios built in different places.
     *
     * @return the digest.
     */
    public long digest()
    {
        long hash = 1125899906842597L;
        for (final long position : positions)
        {
            hash = 31 * hash + position;
        }
        for (final long balance : cash)
        {
            hash = 31 * hash + balance;
        }
        return hash;
    }

    /**
     * Merge another portfolio into this one, for the producers' own expected state.
     *
     * @param other to add.
     */
    public void add(final Portfolio other)
    {
        for (int i = 0; i < positions.length; i++)
        {
            positions[i] += other.positions[i];
        }
        for (int i = 0; i < cash.length; i++)
        {
            cash[i] += other.cash[i];
        }
        orders += other.orders;
        fills += other.fills;
    }

    /**
     * Count an order published.
     */
    public void countOrder()
    {
        orders++;
    }

    /**
     * Orders seen.
     *
     * @return the count.
     */
    public long orders()
    {
        return orders;
    }

    /**
     * Fills applied.
     *
     * @return the count.
     */
    public long fills()
    {
        return fills;
    }

    /**
     * Whether the end record was seen.
     *
     * @return true after the end record.
     */
    public boolean ended()
    {
        return ended;
    }

    /**
     * One line about the portfolio.
     *
     * @return the summary.
     */
    public String toString()
    {
        return String.format("orders=%d fills=%d digest=%016x", orders, fills, digest());
    }
}
