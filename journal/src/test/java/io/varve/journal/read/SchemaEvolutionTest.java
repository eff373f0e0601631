package io.varve.journal.read;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records carry a schema version in the frame header; following the evolution rules of docs/FORMAT.md (fields are
 * only ever added at the end, never moved, resized or retyped), a reader of version 2 reads records written with
 * version 1, and a reader of version 1 reads version 2 records by ignoring what it does not know.
 */
class SchemaEvolutionTest
{
    private static final int ORDER_TYPE = 7;

    @TempDir
    Path dir;

    /** Order schema version 1: price and quantity. */
    private static final int V1_LENGTH = 16;
    /** Order schema version 2: version 1, then a client tag added at the end. */
    private static final int V2_LENGTH = 24;

    private record Order(long price, long quantity, long clientTag, int version)
    {
    }

    /** The version 2 reader: knows both layouts and defaults the field version 1 lacks. */
    private static Order decodeV2(final DirectBuffer buffer, final int offset, final int length)
    {
        final int version = RecordHeader.schemaVersion(buffer, offset);
        final long clientTag = version >= 2 && length >= V2_LENGTH ? buffer.getLong(offset + 16, LITTLE_ENDIAN) : -1;
        return new Order(buffer.getLong(offset, LITTLE_ENDIAN), buffer.getLong(offset + 8, LITTLE_ENDIAN), clientTag,
            version);
    }

    /** The version 1 reader, written before version 2 existed: reads its fields and ignores the rest. */
    private static Order decodeV1(final DirectBuffer buffer, final int offset, final int length)
    {
        assertTrue(length >= V1_LENGTH, "every later version keeps version 1's fields at the start");
        return new Order(buffer.getLong(offset, LITTLE_ENDIAN), buffer.getLong(offset + 8, LITTLE_ENDIAN), -1, 1);
    }

    @Test
    void shouldReadRecordsOfAnOlderSchemaVersionAndTheOtherWayRound()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer v1 = new UnsafeBuffer(new byte[V1_LENGTH]);
            v1.putLong(0, 100, LITTLE_ENDIAN);
            v1.putLong(8, 5, LITTLE_ENDIAN);
            journal.appender().append(v1, 0, V1_LENGTH, ORDER_TYPE, 1, 0, 0, System.nanoTime());
            final UnsafeBuffer v2 = new UnsafeBuffer(new byte[V2_LENGTH]);
            v2.putLong(0, 101, LITTLE_ENDIAN);
            v2.putLong(8, 6, LITTLE_ENDIAN);
            v2.putLong(16, 77, LITTLE_ENDIAN);
            journal.appender().append(v2, 0, V2_LENGTH, ORDER_TYPE, 2, 0, 0, System.nanoTime());
        }
        final List<Order> byV2 = new ArrayList<>();
        final List<Order> byV1 = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
            {
                assertEquals(ORDER_TYPE, type);
                byV2.add(decodeV2(buffer, offset, length));
                byV1.add(decodeV1(buffer, offset, length));
            }, 10);
        }
        assertEquals(List.of(new Order(100, 5, -1, 1), new Order(101, 6, 77, 2)), byV2);
        assertEquals(List.of(new Order(100, 5, -1, 1), new Order(101, 6, -1, 1)), byV1);
    }

    @Test
    void shouldCarryKeysAndTombstones()
    {
        final byte[] key = "EURUSD".getBytes(StandardCharsets.US_ASCII);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
            value.putLong(0, 11, LITTLE_ENDIAN);
            journal.appender().appendKeyed(new UnsafeBuffer(key), 0, key.length, value, 0, 8, 3, 1, false);
            journal.appender().appendKeyed(new UnsafeBuffer(key), 0, key.length, value, 0, 0, 3, 1, true);
        }
        final List<String> seen = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
            {
                final int keyLength = RecordHeader.keyLength(buffer, offset);
                final byte[] bytes = new byte[keyLength];
                buffer.getBytes(offset, bytes);
                seen.add(new String(bytes, StandardCharsets.US_ASCII) + ":" + (length - keyLength) + ":" +
                    RecordHeader.isTombstone(buffer, offset));
            }, 10);
        }
        assertEquals(List.of("EURUSD:8:false", "EURUSD:0:true"), seen);
        assertFalse(seen.isEmpty());
    }
}
