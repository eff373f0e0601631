package io.varve.cli.demo;

import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingClosedException;
import org.agrona.MutableDirectBuffer;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A gateway thread of the demo: publishes orders and their fills through the ring, encoding each straight into its
 * ring slot (claim, encode, commit), paced at a target rate, and keeps the portfolio it expects the journal to
 * rebuild.
 * <p>
 * Threading: runs on its own thread; {@link #published()} is read by others.
 */
public final class TradingProducer implements Runnable
{
    private final JournalRing ring;
    private final int producerId;
    private final long eventsPerSecond;
    private final long endNanos;
    private final Portfolio expected = new Portfolio();
    private final OrderEvent order = new OrderEvent();
    private final FillEvent fill = new FillEvent();
    private final AtomicLong published = new AtomicLong();
    private volatile long lastTicket = -1;

    /**
     * A producer.
     *
     * @param ring            to publish into.
     * @param producerId      distinguishes its order ids.
     * @param eventsPerSecond target rate of this producer, 0 for as fast as it can.
     * @param endNanos        {@link System#nanoTime()} at which to stop.
     */
    public TradingProducer(
        final JournalRing ring, final int producerId, final long eventsPerSecond, final long endNanos)
    {
        this.ring = ring;
        this.producerId = producerId;
        this.eventsPerSecond = eventsPerSecond;
        this.endNanos = endNanos;
    }

    /**
     * Publish until the end time.
     */
    public void run()
    {
        final SplittableRandom random = new SplittableRandom(producerId);
        final long start = System.nanoTime();
        final long intervalNanos = eventsPerSecond == 0 ? 0 : 1_000_000_000L / eventsPerSecond;
        long orderId = (long)producerId << 48;
        long events = 0;
        try
        {
            while (true)
            {
                final long now = System.nanoTime();
                if (now - endNanos >= 0)
                {
                    break;
                }
                final long due = start + events * intervalNanos;
                if (intervalNanos > 0 && now - due < 0)
                {
                    LockSupport.parkNanos(Math.min(due - now, 100_000));
                    continue;
                }
                final int account = random.nextInt(Portfolio.ACCOUNTS);
                final int symbol = random.nextInt(Portfolio.SYMBOLS);
                final long quantity = (random.nextInt(100) + 1) * (random.nextBoolean() ? 1 : -1);
                final long price = 10_000 + random.nextInt(1000);
                orderId++;
                long ticket = ring.claim();
                MutableDirectBuffer slot = ring.buffer(ticket);
                order.wrap(slot, 0).set(orderId, account, symbol, quantity, price);
                ring.commit(ticket, OrderEvent.LENGTH, OrderEvent.TYPE);
                expected.countOrder();
                events++;
                if (random.nextInt(4) != 0)
                {
                    final long filled = random.nextBoolean() ? quantity : quantity / 2;
                    ticket = ring.claim();
                    slot = ring.buffer(ticket);
                    fill.wrap(slot, 0).set(orderId, account, symbol, filled, price);
                    ring.commit(ticket, FillEvent.LENGTH, FillEvent.TYPE);
                    expected.applyFill(account, symbol, filled, price);
                    events++;
                }
                lastTicket = ticket;
                published.lazySet(events);
            }
        }
        catch (final RingClosedException ex)
        {
            // the demo is stopping
        }
    }

    /**
     * Events published so far.
     *
     * @return the count.
     */
    public long published()
    {
        return published.get();
    }

    /**
     * Ticket of the last event published.
     *
     * @return the ticket, or -1.
     */
    public long lastTicket()
    {
        return lastTicket;
    }

    /**
     * The portfolio this producer's fills should produce. Read only after the thread ended.
     *
     * @return the expected portfolio.
     */
    public Portfolio expected()
    {
        return expected;
    }
}
