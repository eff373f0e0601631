package io.varve.journal.read;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot paths allocate nothing per record, measured with the thread's allocation counter. (The bench module
 * proves it again with JMH's -prof gc.)
 */
class TailerAllocationTest
{
    @TempDir
    Path dir;

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static final class Counter implements RecordHandler
    {
        long records;
        long checksum;

        public void onRecord(
            final org.agrona.DirectBuffer buffer,
            final int offset,
            final int length,
            final long sequence,
            final long timestamp,
            final int type)
        {
            records++;
            checksum += buffer.getLong(offset) + length;
        }
    }

    @Test
    void shouldPollAMillionRecordsWithoutAllocating()
    {
        final int records = 1_000_000;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(256 * 1024 * 1024)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final Appender appender = journal.appender();
            final long before = allocatedBytes();
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, i);
                appender.append(payload, 0, 64);
            }
            final long appendAllocated = allocatedBytes() - before;

            try (Tailer tailer = journal.tailer("allocation-test"))
            {
                final Counter counter = new Counter();
                while (counter.records < 100_000)
                {
                    tailer.poll(counter, 100);
                }
                final long start = allocatedBytes();
                while (counter.records < records)
                {
                    tailer.poll(counter, 100);
                }
                final long pollAllocated = allocatedBytes() - start;
                assertEquals(records, counter.records);
                // nothing per record; a JIT deoptimisation may materialise a few scalar-replaced objects once
                assertTrue(pollAllocated < 64 * 1024, "polling 900k records allocated " + pollAllocated + " bytes");
            }
            assertTrue(appendAllocated < 64 * 1024,
                "appending 1M records allocated " + appendAllocated + " bytes (JIT warm-up included)");
        }
    }

    @Test
    void shouldPollWithTwoTailersOfOneReaderAcrossRollsAllocatingNothingPerRecord()
    {
        final int records = 1_000_000;
        final int segmentLength = 1024 * 1024;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(segmentLength)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, i);
                appender.append(payload, 0, 64);
            }
            final long rolls = appender.position() / segmentLength;

            final JournalReader reader = journal.reader();
            try (Tailer first = reader.tailer(); Tailer second = reader.tailer())
            {
                final Counter firstCounter = new Counter();
                final Counter secondCounter = new Counter();
                while (firstCounter.records < 100_000)
                {
                    first.poll(firstCounter, 100);
                    second.poll(secondCounter, 100);
                }
                final long mappingsBefore = reader.segments().mappingsCreated();
                final long start = allocatedBytes();
                while (firstCounter.records < records || secondCounter.records < records)
                {
                    first.poll(firstCounter, 100);
                    second.poll(secondCounter, 100);
                }
                final long pollAllocated = allocatedBytes() - start;
                final long mapped = reader.segments().mappingsCreated() - mappingsBefore;
                assertEquals(records, firstCounter.records);
                assertEquals(firstCounter.checksum, secondCounter.checksum);
                assertTrue(mapped <= rolls, "the second tailer mapped again: segments mapped=" + mapped +
                    " rolls=" + rolls);
                // nothing per record; per roll each tailer reads the next file's identity and takes a checksum view
                final long perRoll = 2 * 1024;
                assertTrue(pollAllocated < 64 * 1024 + 2 * rolls * perRoll, "polling 2 x 900k records over " +
                    rolls + " rolls allocated " + pollAllocated + " bytes");
                System.out.println("two tailers, " + rolls + " rolls: allocated " + pollAllocated + " bytes, " +
                    (pollAllocated / Math.max(1, 2 * rolls)) + " per tailer roll");
            }
        }
    }
}
