package io.varve.chronicle;

import io.varve.chronicle.Dtos.Levels;
import io.varve.chronicle.Dtos.Note;
import io.varve.chronicle.Dtos.Order;
import io.varve.chronicle.Dtos.Tick;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.Tailer;
import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingContext;
import net.openhft.chronicle.bytes.BytesMarshallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.BufferUnderflowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarshallableRoundTripTest
{
    private static final int TICK = 1;
    private static final int NOTE = 2;
    private static final int ORDER = 3;
    private static final int LEVELS = 4;

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripMarshallablesOfEveryShapeThroughTheAppender()
    {
        final List<BytesMarshallable> written = samples();
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(1 << 16)))
        {
            final MarshallableAppender out = new MarshallableAppender(journal.appender(), 2048);
            for (int round = 0; round < 50; round++)
            {
                for (final BytesMarshallable m : written)
                {
                    out.append(m, typeOf(m));
                }
            }
            assertEquals(50L * written.size(), journal.appender().nextSequence());
            final List<BytesMarshallable> read = readAll(journal.tailer());
            assertEquals(50 * written.size(), read.size());
            for (int i = 0; i < read.size(); i++)
            {
                assertEquals(written.get(i % written.size()), read.get(i), "record " + i);
            }
        }
    }

    @Test
    void shouldRoundTripMarshallablesThroughTheRing() throws Exception
    {
        final List<BytesMarshallable> written = samples();
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(new JournalContext().directory(dir).segmentLength(1 << 16).fsyncPolicy(FsyncPolicy.BATCH))
            .ringSize(64).slotCapacity(2048)))
        {
            final MarshallablePublisher out = new MarshallablePublisher(ring);
            long ticket = 0;
            for (int round = 0; round < 20; round++)
            {
                for (final BytesMarshallable m : written)
                {
                    ticket = out.publish(m, typeOf(m));
                }
            }
            assertTrue(ring.awaitDurable(ticket, 10, TimeUnit.SECONDS));
            final List<BytesMarshallable> read = readAll(ring.tailer());
            assertEquals(20 * written.size(), read.size());
            for (int i = 0; i < read.size(); i++)
            {
                assertEquals(written.get(i % written.size()), read.get(i), "record " + i);
            }
        }
    }

    @Test
    void shouldRejectAnEncodingLongerThanTheBoundAndAppendNothing()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(1 << 16)))
        {
            final MarshallableAppender out = new MarshallableAppender(journal.appender(), 32);
            final Note note = new Note().set(1, "ACCOUNT-0001", "far too long for thirty-two bytes");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> out.append(note, NOTE));
            assertTrue(ex.getMessage().contains("maxEncodedLength=32"), ex.getMessage());
            assertEquals(0, journal.appender().nextSequence());
            out.append(new Tick().set(1, 2, 3, true, (byte)4), TICK);
            assertEquals(1, journal.appender().nextSequence());
        }
    }

    @Test
    void shouldStopAMarshallableThatReadsPastItsRecord()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(1 << 16)))
        {
            final MarshallableAppender out = new MarshallableAppender(journal.appender(), 64);
            out.append(new Tick().set(1, 2, 3, true, (byte)4), TICK);
            out.append(new Tick().set(5, 6, 7, false, (byte)8), TICK);
            try (Tailer tailer = journal.tailer())
            {
                final MarshallableHandler tooGreedy = new MarshallableHandler(new Order());
                assertThrows(BufferUnderflowException.class, () -> tailer.poll(tooGreedy, 1));
            }
        }
    }

    @Test
    void shouldEncodeAndDecodeWithoutAllocatingOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(64 << 20)))
        {
            final MarshallableAppender out = new MarshallableAppender(journal.appender(), 256);
            final Order order = new Order();
            order.note.set(7, "ACCOUNT-0001", "limit order, good till cancelled");
            final Order decoded = new Order();
            final MarshallableHandler handler = new MarshallableHandler(decoded);
            try (Tailer tailer = journal.tailer())
            {
                final int records = 20_000;
                long allocated = Long.MAX_VALUE;
                for (int round = 0; round < 6; round++)
                {
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < records; i++)
                    {
                        order.orderId = i;
                        order.tick.set(i, i * 0.5, i, (i & 1) == 0, (byte)i);
                        out.append(order, ORDER);
                        tailer.poll(handler, 1);
                    }
                    // The least of the rounds: a recompilation may allocate a few KiB once, a leak every round.
                    allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
                    assertEquals(order, decoded);
                }
                assertTrue(allocated < records / 10, "bytes allocated in the quietest round: " + allocated);
            }
        }
    }

    static List<BytesMarshallable> samples()
    {
        final Order order = new Order();
        order.orderId = 42;
        order.tick.set(7, 101.25, 300, false, (byte)3);
        order.note.set(9, "ACC-1", "nested \u00e9t\u00e9");
        return List.of(
            new Tick().set(1, 99.5, 100, true, (byte)1),
            new Note().set(2, "ACCOUNT-0001", "hello, caf\u00e9 \u2603"),
            new Note().set(3, "", ""),
            order,
            new Levels().set(),
            new Levels().set(1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0, 127, 128),
            new Levels().set(new long[200]));
    }

    static int typeOf(final BytesMarshallable m)
    {
        if (m instanceof Tick)
        {
            return TICK;
        }
        if (m instanceof Note)
        {
            return NOTE;
        }
        return m instanceof Order ? ORDER : LEVELS;
    }

    private static List<BytesMarshallable> readAll(final Tailer tailer)
    {
        final List<BytesMarshallable> read = new ArrayList<>();
        final MarshallableHandler[] handler = new MarshallableHandler[1];
        handler[0] = new MarshallableHandler((bytes) ->
        {
            final BytesMarshallable m;
            switch (handler[0].type())
            {
                case TICK:
                    m = new Tick();
                    break;
                case NOTE:
                    m = new Note();
                    break;
                case ORDER:
                    m = new Order();
                    break;
                default:
                    m = new Levels();
                    break;
            }
            m.readMarshallable(bytes);
            assertEquals(0, bytes.readRemaining(), "the record holds exactly what was written");
            read.add(m);
        });
        try (tailer)
        {
            while (tailer.poll(handler[0], 100) > 0)
            {
                assertEquals(-1, handler[0].key());
            }
        }
        return read;
    }
}
