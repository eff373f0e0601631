package io.varve.journal;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRoundTripTest
{
    private static final int SEGMENT_LENGTH = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    /** The payload of record n: n as a long, then bytes derived from n, of a length derived from n. */
    static int payloadLength(final long sequence)
    {
        return 8 + (int)(sequence * 31 % 57);
    }

    static void fill(final UnsafeBuffer buffer, final long sequence)
    {
        buffer.putLong(0, sequence, LITTLE_ENDIAN);
        for (int i = 8; i < payloadLength(sequence); i++)
        {
            buffer.putByte(i, (byte)(sequence + i));
        }
    }

    static void check(final UnsafeBuffer buffer, final int offset, final int length, final long sequence)
    {
        assertEquals(payloadLength(sequence), length, "length of record " + sequence);
        assertEquals(sequence, buffer.getLong(offset, LITTLE_ENDIAN), "payload of record " + sequence);
        for (int i = 8; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(sequence + i))
            {
                throw new AssertionError("byte " + i + " of record " + sequence);
            }
        }
    }

    @Test
    void shouldRoundTripOneMillionRecordsAcrossSegmentRolls()
    {
        final int records = 1_000_000;
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        final long rolls;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            long previousPosition = -1;
            for (long sequence = 0; sequence < records; sequence++)
            {
                assertEquals(sequence, appender.nextSequence());
                fill(payload, sequence);
                final long position = appender.append(payload, 0, payloadLength(sequence), (int)(sequence & 7));
                assertTrue(position > previousPosition);
                previousPosition = position;
            }
            rolls = journal.metadata().counterValue(JournalCounter.ROLLS);
        }
        assertTrue(rolls >= 3, "expected at least 3 rolls, saw " + rolls);

        final long[] next = {0};
        final long walked = FrameWalker.walk(dir, SEGMENT_LENGTH,
            (buffer, offset, length, sequence, timestamp, type, position) ->
            {
                assertEquals(next[0], sequence);
                assertEquals((int)(sequence & 7), type);
                check(buffer, offset, length, sequence);
                next[0]++;
            });
        assertEquals(records, walked);
    }

    @Test
    void shouldContinueSequencesAfterReopen()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        for (int session = 0; session < 3; session++)
        {
            final JournalContext context = new JournalContext().directory(dir);
            if (session == 0)
            {
                context.segmentLength(SEGMENT_LENGTH);
            }
            try (Journal journal = Journal.open(context))
            {
                final Appender appender = journal.appender();
                assertEquals(session * 1000L, appender.nextSequence());
                assertEquals(SEGMENT_LENGTH, journal.segmentLength(), "segment length is the journal's own");
                for (int i = 0; i < 1000; i++)
                {
                    final long sequence = appender.nextSequence();
                    fill(payload, sequence);
                    appender.append(payload, 0, payloadLength(sequence));
                }
                assertEquals(0, journal.recoveryReport().droppedRecords());
            }
        }
        assertEquals(3000, FrameWalker.walk(dir, SEGMENT_LENGTH,
            (buffer, offset, length, sequence, timestamp, type, position) -> check(buffer, offset, length, sequence)));
    }

    @Test
    void shouldCommitAndAbortClaims()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < 5000; i++)
            {
                final int length = 8 + ThreadLocalRandom.current().nextInt(200);
                final RecordClaim claim = appender.claim(length, 5);
                claim.buffer().putLong(0, appender.nextSequence(), LITTLE_ENDIAN);
                if (i % 3 == 0)
                {
                    claim.abort();
                }
                else
                {
                    claim.commit();
                }
            }
        }
        final long[] count = {0};
        FrameWalker.walk(dir, 65536, (buffer, offset, length, sequence, timestamp, type, position) ->
        {
            assertEquals(sequence, buffer.getLong(offset, LITTLE_ENDIAN));
            assertEquals(5, type);
            count[0]++;
        });
        assertEquals(5000 - 1667, count[0]);
    }

    @Test
    void shouldKeepTimestampsNonDecreasingAndCloseToTheClock()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        final long before = System.currentTimeMillis() * 1_000_000L;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            for (int i = 0; i < 10_000; i++)
            {
                journal.appender().append(payload, 0, 8);
            }
        }
        final long after = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
        final long[] last = {0};
        FrameWalker.walk(dir, 65536, (buffer, offset, length, sequence, timestamp, type, position) ->
        {
            assertTrue(timestamp >= last[0]);
            assertTrue(timestamp >= before - 5_000_000L && timestamp <= after,
                "timestamp " + timestamp + " outside [" + before + ", " + after + "]");
            last[0] = timestamp;
        });
    }
}
