package io.varve.ringbuffer;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import io.varve.ringbuffer.sbe.FillDecoder;
import io.varve.ringbuffer.sbe.FillEncoder;
import io.varve.ringbuffer.sbe.MessageHeaderDecoder;
import io.varve.ringbuffer.sbe.MessageHeaderEncoder;
import io.varve.ringbuffer.sbe.NewOrderDecoder;
import io.varve.ringbuffer.sbe.NewOrderEncoder;
import io.varve.ringbuffer.sbe.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SBE (Simple Binary Encoding) flyweights, generated at build time from {@code src/test/resources/sbe}, encode in
 * place into an appender's claim and a ring slot's claim, and decode in a tailer's handler straight from the mapped
 * segment, allocating nothing per record. README's "Codecs: SBE" section quotes the blocks between {@code // README}
 * and {@code // README END}; ReadmeSnippetsTest (cli) checks they are the same.
 */
class SbeCodecTest
{
    private static final int WARM_UP = 100_000;
    private static final int MEASURED = 200_000;
    /** Nothing per record; a JIT deoptimisation may materialise a few scalar-replaced objects once. */
    private static final long ALLOWED_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final NewOrderEncoder newOrder = new NewOrderEncoder();
    private final FillEncoder fill = new FillEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final NewOrderDecoder newOrderDecoder = new NewOrderDecoder();
    private final FillDecoder fillDecoder = new FillDecoder();
    private final byte[] symbol = "VARVE   ".getBytes(StandardCharsets.US_ASCII);
    private final Book book = new Book();
    private final int accountId = 7;
    private final long price = 101_25;
    private long orderId;
    private long quantity;

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldEncodeIntoAnAppenderClaimAndDecodeInATailerWithoutAllocating()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(64 * 1024 * 1024)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < WARM_UP; i++)
            {
                appendNewOrder(appender, i);
            }
            final long before = allocatedBytes();
            for (int i = WARM_UP; i < WARM_UP + MEASURED; i++)
            {
                appendNewOrder(appender, i);
            }
            final long encoding = allocatedBytes() - before;
            assertTrue(encoding < ALLOWED_BYTES, MEASURED + " SBE appends allocated " + encoding + " bytes");

            final RecordHandler handler = handler();
            try (Tailer tailer = journal.tailer())
            {
                int read = 0;
                while (read < WARM_UP)
                {
                    read += tailer.poll(handler, WARM_UP - read);
                }
                final long beforeReading = allocatedBytes();
                while (read < WARM_UP + MEASURED)
                {
                    read += tailer.poll(handler, 1000);
                }
                final long decoding = allocatedBytes() - beforeReading;
                assertTrue(decoding < ALLOWED_BYTES, MEASURED + " SBE decodes allocated " + decoding + " bytes");
            }
        }
        final long records = WARM_UP + MEASURED;
        assertEquals(records, book.orders);
        assertEquals(records * (records - 1) / 2, book.orderIdSum, "every order decoded, every field in place");
        assertEquals(records * (records - 1) / 2 + records, book.quantitySum);
    }

    private void appendNewOrder(final Appender appender, final long id)
    {
        orderId = id;
        quantity = id + 1;
        // README
        final RecordClaim claim = appender.claim(
            MessageHeaderEncoder.ENCODED_LENGTH + NewOrderEncoder.BLOCK_LENGTH, NewOrderEncoder.TEMPLATE_ID);
        newOrder.wrapAndApplyHeader(claim.buffer(), 0, header)
            .orderId(orderId)
            .accountId(accountId)
            .side(Side.BUY)
            .putSymbol(symbol, 0)
            .price(price)
            .quantity(quantity);
        claim.commit();
        // README END
    }

    @Test
    void shouldEncodeIntoARingSlotAndDecodeTheJournaledRecordWithoutAllocating()
    {
        final Path ringDir = dir.resolve("ring");
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(new JournalContext().directory(ringDir).segmentLength(64 * 1024 * 1024)
                .fsyncPolicy(FsyncPolicy.NONE))
            .ringSize(65536).slotCapacity(64)))
        {
            long ticket = -1;
            for (int i = 0; i < WARM_UP; i++)
            {
                ticket = publishFill(ring, i);
            }
            final long before = allocatedBytes();
            for (int i = WARM_UP; i < WARM_UP + MEASURED; i++)
            {
                ticket = publishFill(ring, i);
            }
            final long encoding = allocatedBytes() - before;
            assertTrue(encoding < ALLOWED_BYTES, MEASURED + " SBE ring claims allocated " + encoding + " bytes");
            assertTrue(ring.awaitDurable(ticket, 30, TimeUnit.SECONDS));
        }
        try (JournalReader reader = JournalReader.open(ringDir); Tailer tailer = reader.tailer())
        {
            final RecordHandler handler = handler();
            while (tailer.poll(handler, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        final long records = WARM_UP + MEASURED;
        assertEquals(records, book.fills);
        assertEquals(records * (records - 1) / 2, book.orderIdSum);
        assertEquals(records * price, book.notionalTicks);
    }

    private long publishFill(final JournalRing ring, final long id)
    {
        orderId = id;
        quantity = 1;
        // README
        final long ticket = ring.claim();
        fill.wrapAndApplyHeader(ring.buffer(ticket), 0, header)
            .orderId(orderId)
            .price(price)
            .quantity(quantity);
        ring.commit(ticket, MessageHeaderEncoder.ENCODED_LENGTH + fill.encodedLength(), FillEncoder.TEMPLATE_ID);
        // README END
        return ticket;
    }

    private RecordHandler handler()
    {
        // README
        final RecordHandler handler = (buffer, offset, length, sequence, timestamp, type) ->
        {
            switch (type)                                         // the record type is the SBE template id
            {
                case NewOrderDecoder.TEMPLATE_ID:
                    book.onNewOrder(newOrderDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder));
                    break;
                case FillDecoder.TEMPLATE_ID:
                    book.onFill(fillDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder));
                    break;
                default:
                    break;
            }
        };
        // README END
        return handler;
    }

    private static final class Book
    {
        private long orders;
        private long fills;
        private long orderIdSum;
        private long quantitySum;
        private long notionalTicks;

        void onNewOrder(final NewOrderDecoder order)
        {
            assertEquals(Side.BUY, order.side());
            assertEquals((byte)'V', order.symbol(0));
            orders++;
            orderIdSum += order.orderId();
            quantitySum += order.quantity();
        }

        void onFill(final FillDecoder fill)
        {
            fills++;
            orderIdSum += fill.orderId();
            notionalTicks += fill.price() * fill.quantity();
        }
    }
}
