package io.varve.cli.demo;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over a fill (execution) event, record type {@link #TYPE}: the only event that moves positions.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Order Id                            |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Account Id                           |  8
 *  +---------------------------------------------------------------+
 *  |                           Symbol Id                           | 12
 *  +---------------------------------------------------------------+
 *  |             Filled Quantity (negative for a sell)             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Fill Price (ticks)                       | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Threading: NOT threadsafe; one flyweight per thread. Decoding uses the static accessors.
 */
public final class FillEvent
{
    /** Record type of fills. */
    public static final int TYPE = 2;
    /** Offset of the order id. */
    public static final int ORDER_ID_OFFSET = 0;
    /** Offset of the account id. */
    public static final int ACCOUNT_OFFSET = 8;
    /** Offset of the symbol id. */
    public static final int SYMBOL_OFFSET = 12;
    /** Offset of the signed filled quantity. */
    public static final int QUANTITY_OFFSET = 16;
    /** Offset of the fill price. */
    public static final int PRICE_OFFSET = 24;
    /** Encoded length. */
    public static final int LENGTH = 32;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Wrap a buffer at an offset.
     *
     * @param buffer to write.
     * @param offset of the event.
     * @return this.
     */
    public FillEvent wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Encode every field.
     *
     * @param orderId   order filled.
     * @param accountId account of the order.
     * @param symbolId  instrument.
     * @param quantity  signed filled quantity.
     * @param price     fill price in ticks.
     * @return this.
     */
    public FillEvent set(
        final long orderId, final int accountId, final int symbolId, final long quantity, final long price)
    {
        buffer.putLong(offset + ORDER_ID_OFFSET, orderId, LITTLE_ENDIAN);
        buffer.putInt(offset + ACCOUNT_OFFSET, accountId, LITTLE_ENDIAN);
        buffer.putInt(offset + SYMBOL_OFFSET, symbolId, LITTLE_ENDIAN);
        buffer.putLong(offset + QUANTITY_OFFSET, quantity, LITTLE_ENDIAN);
        buffer.putLong(offset + PRICE_OFFSET, price, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Account of an encoded fill.
     *
     * @param buffer holding it.
     * @param offset of the event.
     * @return the account id.
     */
    public static int accountId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ACCOUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Symbol of an encoded fill.
     *
     * @param buffer holding it.
     * @param offset of the event.
     * @return the symbol id.
     */
    public static int symbolId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Signed filled quantity of an encoded fill.
     *
     * @param buffer holding it.
     * @param offset of the event.
     * @return the quantity.
     */
    public static long quantity(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + QUANTITY_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Price of an encoded fill.
     *
     * @param buffer holding it.
     * @param offset of the event.
     * @return ticks.
     */
    public static long price(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + PRICE_OFFSET, LITTLE_ENDIAN);
    }
}
