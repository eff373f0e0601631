package io.varve.chronicle;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHeader;
import io.varve.journal.read.Tailer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Chronicle Queues written by Chronicle itself, rolling every second of a clock the test moves, so that several
 * roll cycles take no wall time; and the byte-for-byte comparison of a queue with an imported journal.
 */
final class TestQueues
{
    private TestQueues()
    {
    }

    /** One excerpt as Chronicle holds it. */
    record Excerpt(long index, byte[] bytes)
    {
    }

    static SetTimeProvider clock()
    {
        return new SetTimeProvider(Instant.parse("2026-01-01T00:00:00Z"));
    }

    static SingleChronicleQueue open(final Path dir, final SetTimeProvider clock)
    {
        return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(clock).build();
    }

    /**
     * Append excerpts of three kinds: raw bytes of random length (empty included), Chronicle wire documents and
     * marshallables written with {@code writeBytes}.
     */
    static void append(
        final Path dir, final SetTimeProvider clock, final int cycles, final int perCycle, final long seed)
    {
        append(dir, clock, cycles, perCycle, seed, 2000);
    }

    static void append(
        final Path dir, final SetTimeProvider clock, final int cycles, final int perCycle, final long seed,
        final int maxRawLength)
    {
        final Random random = new Random(seed);
        final Bytes<?> raw = Bytes.allocateElasticDirect(4096);
        final Dtos.Tick tick = new Dtos.Tick();
        try (SingleChronicleQueue queue = open(dir, clock); ExcerptAppender appender = queue.createAppender())
        {
            for (int c = 0; c < cycles; c++)
            {
                for (int i = 0; i < perCycle; i++)
                {
                    switch (i % 3)
                    {
                        case 0:
                            raw.clear();
                            final int length = random.nextInt(8) == 0 ? 0 : random.nextInt(maxRawLength);
                            for (int b = 0; b < length; b++)
                            {
                                raw.writeByte((byte)random.nextInt());
                            }
                            appender.writeBytes(raw);
                            break;
                        case 1:
                            final long value = random.nextLong();
                            appender.writeDocument((wire) -> wire.write("price").float64(value * 0.25)
                                .write("text").text("excerpt " + value));
                            break;
                        default:
                            appender.writeBytes(tick.set(random.nextLong(), random.nextDouble(), random.nextInt(),
                                random.nextBoolean(), (byte)random.nextInt()));
                            break;
                    }
                }
                clock.advanceMillis(1000);
            }
        }
        finally
        {
            raw.releaseLast();
        }
    }

    static List<Excerpt> read(final Path dir)
    {
        final List<Excerpt> excerpts = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext context = tailer.readingDocument())
                {
                    if (!context.isPresent())
                    {
                        break;
                    }
                    excerpts.add(new Excerpt(context.index(), context.wire().bytes().toByteArray()));
                }
            }
        }
        return excerpts;
    }

    static List<Excerpt> readJournal(final Path dir)
    {
        final List<Excerpt> records = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            while (tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
            {
                assertEquals(ImportedRecordDescriptor.KEY_LENGTH, RecordHeader.keyLength(buffer, offset));
                final byte[] bytes = new byte[length - ImportedRecordDescriptor.KEY_LENGTH];
                buffer.getBytes(offset + ImportedRecordDescriptor.EXCERPT_OFFSET, bytes);
                records.add(new Excerpt(ImportedRecordDescriptor.chronicleIndex(buffer, offset), bytes));
            }, 1000) > 0)
            {
                continue;
            }
        }
        return records;
    }

    static void assertSame(final List<Excerpt> queue, final List<Excerpt> journal)
    {
        assertEquals(queue.size(), journal.size(), "records");
        for (int i = 0; i < queue.size(); i++)
        {
            assertEquals(queue.get(i).index(), journal.get(i).index(), "index of record " + i);
            assertArrayEquals(queue.get(i).bytes(), journal.get(i).bytes(), "bytes of record " + i + ": " +
                Arrays.toString(journal.get(i).bytes()));
        }
    }
}
