package io.varve.cli.demo;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over a new-order event, record type {@link #TYPE}.
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
 *  |                 Quantity (negative for a sell)                | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Limit Price (ticks)                      | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Threading: NOT threadsafe; one flyweight per thread.
 */
public final class OrderEvent
{
    /** Record type of orders. */
    public static final int TYPE = 1;
    /** Offset of the order id. */
    public static final int ORDER_ID_OFFSET = 0;
    /** Offset of the account id. */
    public static final int ACCOUNT_OFFSET = 8;
    /** Offset of the symbol id. */
    public static final int SYMBOL_OFFSET = 12;
    /** Offset of the signed quantity. */
    public static final int QUANTITY_OFFSET = 16;
    /** Offset of the limit price. */
    public static final int PRICE_OFFSET = 24;
    /** Encoded length. */
    public static final int LENGTH = 32;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Wrap a buffer at an offset.
     *
     * @param buffer to read or write.
     * @param offset of the event.
     * @return this.
     */
    public OrderEvent wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Encode every field.
     *
     * @param orderId   unique order id.
     * @param accountId account placing it.
     * @param symbolId  instrument.
     * @param quantity  signed quantity: positive buys, negative sells.
     * @param price     limit price in ticks.
     * @return this.
     */
    public OrderEvent set(
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
     * Order id of an encoded order.
     *
     * @param buffer holding it.
     * @param offset of the event.
     * @return the id.
     */
    public static long orderId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + ORDER_ID_OFFSET, LITTLE_ENDIAN);
    }
}
