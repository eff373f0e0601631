package io.varve.chronicle;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

import java.util.Arrays;

/**
 * Marshallables of different shapes, each encoding itself by hand as Chronicle recommends for speed, and each
 * decoding without allocating (strings into reused StringBuilders, arrays into a reused array).
 */
final class Dtos
{
    private Dtos()
    {
    }

    /** Fixed length, primitives only. */
    static final class Tick implements BytesMarshallable
    {
        long instrument;
        double price;
        int quantity;
        boolean buy;
        byte venue;

        Tick set(final long instrument, final double price, final int quantity, final boolean buy, final byte venue)
        {
            this.instrument = instrument;
            this.price = price;
            this.quantity = quantity;
            this.buy = buy;
            this.venue = venue;
            return this;
        }

        public void writeMarshallable(final BytesOut<?> bytes)
        {
            bytes.writeLong(instrument).writeDouble(price).writeInt(quantity).writeBoolean(buy).writeByte(venue);
        }

        public void readMarshallable(final BytesIn<?> bytes)
        {
            instrument = bytes.readLong();
            price = bytes.readDouble();
            quantity = bytes.readInt();
            buy = bytes.readBoolean();
            venue = bytes.readByte();
        }

        public boolean equals(final Object o)
        {
            return o instanceof Tick t && t.instrument == instrument && t.price == price && t.quantity == quantity &&
                t.buy == buy && t.venue == venue;
        }

        public int hashCode()
        {
            return Long.hashCode(instrument);
        }

        public String toString()
        {
            return "Tick{" + instrument + " " + price + " " + quantity + " " + buy + " " + venue + "}";
        }
    }

    /** Strings: one 8-bit, one UTF-8, read into reused builders. */
    static final class Note implements BytesMarshallable
    {
        final StringBuilder account = new StringBuilder();
        final StringBuilder text = new StringBuilder();
        long id;

        Note set(final long id, final CharSequence account, final CharSequence text)
        {
            this.id = id;
            this.account.setLength(0);
            this.account.append(account);
            this.text.setLength(0);
            this.text.append(text);
            return this;
        }

        public void writeMarshallable(final BytesOut<?> bytes)
        {
            bytes.writeLong(id);
            bytes.write8bit(account);
            bytes.writeUtf8(text);
        }

        public void readMarshallable(final BytesIn<?> bytes)
        {
            id = bytes.readLong();
            bytes.read8bit(account);
            bytes.readUtf8(text);
        }

        public boolean equals(final Object o)
        {
            return o instanceof Note n && n.id == id && n.account.toString().contentEquals(account) &&
                n.text.toString().contentEquals(text);
        }

        public int hashCode()
        {
            return Long.hashCode(id);
        }

        public String toString()
        {
            return "Note{" + id + " " + account + " " + text + "}";
        }
    }

    /** Nested: an order holding two marshallables of its own. */
    static final class Order implements BytesMarshallable
    {
        final Tick tick = new Tick();
        final Note note = new Note();
        long orderId;

        public void writeMarshallable(final BytesOut<?> bytes)
        {
            bytes.writeLong(orderId);
            tick.writeMarshallable(bytes);
            note.writeMarshallable(bytes);
        }

        public void readMarshallable(final BytesIn<?> bytes)
        {
            orderId = bytes.readLong();
            tick.readMarshallable(bytes);
            note.readMarshallable(bytes);
        }

        public boolean equals(final Object o)
        {
            return o instanceof Order x && x.orderId == orderId && x.tick.equals(tick) && x.note.equals(note);
        }

        public int hashCode()
        {
            return Long.hashCode(orderId);
        }

        public String toString()
        {
            return "Order{" + orderId + " " + tick + " " + note + "}";
        }
    }

    /** Variable length: a stop-bit count, then that many stop-bit encoded longs. */
    static final class Levels implements BytesMarshallable
    {
        long[] values = new long[64];
        int count;

        Levels set(final long... values)
        {
            this.values = Arrays.copyOf(values, Math.max(64, values.length));
            this.count = values.length;
            return this;
        }

        public void writeMarshallable(final BytesOut<?> bytes)
        {
            bytes.writeStopBit(count);
            for (int i = 0; i < count; i++)
            {
                bytes.writeStopBit(values[i]);
            }
        }

        public void readMarshallable(final BytesIn<?> bytes)
        {
            count = (int)bytes.readStopBit();
            if (count > values.length)
            {
                values = new long[count];
            }
            for (int i = 0; i < count; i++)
            {
                values[i] = bytes.readStopBit();
            }
        }

        public boolean equals(final Object o)
        {
            return o instanceof Levels l && l.count == count &&
                Arrays.equals(l.values, 0, count, values, 0, count);
        }

        public int hashCode()
        {
            return count;
        }

        public String toString()
        {
            return "Levels" + Arrays.toString(Arrays.copyOf(values, count));
        }
    }
}
