package io.varve.journal.recovery;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.varve.journal.recovery.JournalFiles.copyDirectory;
import static io.varve.journal.recovery.JournalFiles.recordPositions;
import static io.varve.journal.recovery.JournalFiles.rewindDurablePosition;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse indexes damaged every way a bad disk or a stray write could: entries of garbage, entries swapped out of
 * order, a later entry copied over an earlier one, entries pointing past the segment or into a payload, holes of
 * zeros between good entries. The index is a hint: recovery (from a durable position anywhere in the segment) must
 * keep every record, and seeks, before and after recovery, must land on exactly the record asked for.
 */
class IndexDamageAdversaryTest
{
    private static final int SEGMENT_LENGTH = 256 * 1024;
    private static final int INTERVAL = 1024;
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryRecordAndSeekExactlyWhateverTheIndexDamage() throws Exception
    {
        final Path pristine = dir.resolve("pristine");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[400]);
        try (Journal journal = Journal.open(new JournalContext().directory(pristine).segmentLength(SEGMENT_LENGTH)
            .indexInterval(INTERVAL)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < RECORDS; i++)
            {
                payload.putLong(0, appender.nextSequence(), LITTLE_ENDIAN);
                // a payload that carries a frame header look-alike of the record itself, for an entry to point at
                payload.putInt(96, 128, LITTLE_ENDIAN);
                payload.putLong(96 + FrameDescriptor.SEQUENCE_OFFSET, appender.nextSequence(), LITTLE_ENDIAN);
                appender.append(payload, 0, 120 + (i * 7919) % 280);
            }
        }
        final List<Long> positions = recordPositions(pristine, SEGMENT_LENGTH);
        assertEquals(RECORDS, positions.size());
        final long[] timestamps = new long[RECORDS];
        FrameWalker.walk(pristine, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) -> timestamps[(int)s] = t);
        final long tailBase = positions.get(RECORDS - 1) & -(long)SEGMENT_LENGTH;
        for (int trial = 0; trial < 60; trial++)
        {
            final Random random = new Random(trial);
            final Path copy = dir.resolve("trial-" + trial);
            copyDirectory(pristine, copy);
            final Path index = copy.resolve(JournalDirectoryLayout.indexFileName(tailBase));
            final String damage = damage(index, random, trial % 6);
            final String what = "trial " + trial + ": " + damage;
            seekEverywhere(copy, random, timestamps, what);
            if (trial % 2 == 0)
            {
                // a durable position anywhere in the tail segment: recovery starts at an index entry below it
                final List<Long> inTail = positions.stream().filter((p) -> p >= tailBase).toList();
                rewindDurablePosition(copy, inTail.get(random.nextInt(inTail.size())));
            }
            try (Journal journal = Journal.open(new JournalContext().directory(copy)
                .recoveryMode(RecoveryMode.STRICT)))
            {
                assertEquals(RECORDS, journal.appender().nextSequence(), what);
            }
            final long[] expected = {0};
            FrameWalker.walk(copy, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) ->
            {
                assertEquals(expected[0]++, s, what);
                assertEquals(s, b.getLong(o, LITTLE_ENDIAN), what);
            });
            assertEquals(RECORDS, expected[0], what);
            seekEverywhere(copy, random, timestamps, what + " (after recovery)");
            // a damaged entry below where recovery started stays (a warning of verify): see the disabled test
            final VerifyReport report = new JournalVerifier(copy, Set.of()).verify();
            assertFalse(report.hasErrors(), what + ": " + report.findings());
        }
    }

    @Test
    @Disabled("recovery finds its start entry by binary search (faf27bf) and rebuilds only the entries from it on: a " +
        "damaged entry below it stays, and verify warns that 'recovery rebuilds it'. Readers check every entry, so " +
        "no seek goes wrong; rebuilding would need a pass over the index entries below the start on every open")
    void shouldLeaveNoDamagedIndexEntryBehindAfterRecovery() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .indexInterval(INTERVAL)))
        {
            for (int i = 0; i < 1000; i++)
            {
                journal.appender().append(payload, 0, 200);
            }
        }
        // entry 5 now names a frame far beyond it: the old linear walk stopped there and rebuilt from entry 4
        final Path index = dir.resolve(JournalDirectoryLayout.indexFileName(0));
        final byte[] later = new byte[IndexDescriptor.ENTRY_LENGTH];
        try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "rw"))
        {
            file.seek(IndexDescriptor.entryOffset(60));
            file.readFully(later);
            file.seek(IndexDescriptor.entryOffset(5));
            file.write(later);
        }
        try (Journal journal = Journal.open(new JournalContext().directory(dir).recoveryMode(RecoveryMode.STRICT)))
        {
            assertEquals(1000, journal.appender().nextSequence());
        }
        final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
        assertTrue(report.findings().isEmpty(), report.findings().toString());
    }

    @Test
    void shouldNotStartRecoveryPastTheDurablePositionAtAnEntryOutOfOrder() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[200]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .indexInterval(INTERVAL)))
        {
            for (int i = 0; i < 1000; i++)
            {
                payload.putLong(0, i, LITTLE_ENDIAN);
                journal.appender().append(payload, 0, 200);
            }
        }
        final List<Long> positions = recordPositions(dir, SEGMENT_LENGTH);
        final Path index = dir.resolve(JournalDirectoryLayout.indexFileName(0));
        final ByteBuffer entries = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(index)).order(LITTLE_ENDIAN);
        final int capacity = IndexDescriptor.capacity(SEGMENT_LENGTH, INTERVAL);
        // a durable position whose start entry the binary search reaches without looking at the entry before it
        int durableRecord = -1;
        int start = -1;
        for (int record = 200; record < 400 && durableRecord < 0; record++)
        {
            final long limit = positions.get(record);
            int low = 0;
            int high = capacity - 1;
            int found = -1;
            boolean probedBefore = false;
            final int expected = lastEntryAtOrBelow(entries, capacity, limit);
            while (low <= high)
            {
                final int middle = (low + high) >>> 1;
                probedBefore |= middle == expected - 1;
                final int offset = frameOffset(entries, middle);
                if (offset != 0 && offset <= limit)
                {
                    found = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
            if (!probedBefore && found > 2)
            {
                durableRecord = record;
                start = found;
            }
        }
        assertTrue(durableRecord > 0, "a durable position to test with");
        // after a power loss: only what lies below the durable position was forced, and a frame after it is torn
        rewindDurablePosition(dir, positions.get(durableRecord));
        JournalFiles.flipByte(dir, positions.get(600) + FrameDescriptor.HEADER_LENGTH + 5, SEGMENT_LENGTH);
        // the start entry is damaged, and the one before it names a frame far past the torn one
        final byte[] damaged = new byte[IndexDescriptor.ENTRY_LENGTH];
        entries.get(IndexDescriptor.entryOffset(start), damaged);
        damaged[IndexDescriptor.ENTRY_SEQUENCE_OFFSET] ^= 0x55;
        final byte[] later = new byte[IndexDescriptor.ENTRY_LENGTH];
        entries.get(IndexDescriptor.entryOffset(lastEntryAtOrBelow(entries, capacity, positions.get(900))), later);
        JournalFiles.writeBytes(index, IndexDescriptor.entryOffset(start), damaged);
        JournalFiles.writeBytes(index, IndexDescriptor.entryOffset(start - 1), later);

        try (Journal journal = Journal.open(new JournalContext().directory(dir).recoveryMode(RecoveryMode.STRICT)))
        {
            assertEquals(600, journal.appender().nextSequence(), "the torn frame past the durable position is the end");
        }
        final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
        assertFalse(report.hasErrors(), report.findings().toString());
    }

    private static int frameOffset(final ByteBuffer entries, final int entry)
    {
        return entries.getInt(IndexDescriptor.entryOffset(entry) + IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET);
    }

    private static int lastEntryAtOrBelow(final ByteBuffer entries, final int capacity, final long offset)
    {
        int last = -1;
        for (int i = 0; i < capacity && frameOffset(entries, i) != 0 && frameOffset(entries, i) <= offset; i++)
        {
            last = i;
        }
        return last;
    }

    private static void seekEverywhere(
        final Path journal, final Random random, final long[] timestamps, final String what)
    {
        try (JournalReader reader = JournalReader.open(journal); Tailer tailer = reader.tailer(null, true))
        {
            for (int i = 0; i < 200; i++)
            {
                final long sequence = i < 20 ? RECORDS - 1 - i : random.nextInt(RECORDS);
                tailer.seekToSequence(sequence);
                final long[] seen = {-1};
                assertEquals(1, tailer.poll((b, o, l, s, t, ty) ->
                {
                    seen[0] = s;
                    assertEquals(s, b.getLong(o, LITTLE_ENDIAN));
                }, 1), what);
                assertEquals(sequence, seen[0], what);

                // by time: the first record at or after the time, never a later one
                int first = (int)sequence;
                while (first > 0 && timestamps[first - 1] >= timestamps[(int)sequence])
                {
                    first--;
                }
                tailer.seekToTimestamp(timestamps[(int)sequence]);
                assertEquals(1, tailer.poll((b, o, l, s, t, ty) -> seen[0] = s, 1), what);
                assertEquals(first, seen[0], what + " seekToTimestamp");
            }
        }
    }

    private static String damage(final Path index, final Random random, final int kind) throws Exception
    {
        try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "rw"))
        {
            final int length = (int)file.length();
            final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            file.getChannel().read(bytes, 0);
            int used = 0;
            while (IndexDescriptor.entryOffset(used) + IndexDescriptor.ENTRY_LENGTH <= length &&
                bytes.getInt(IndexDescriptor.entryOffset(used) + IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET) != 0)
            {
                used++;
            }
            final StringBuilder what = new StringBuilder("kind=" + kind + " used=" + used);
            for (int n = 0; n < 1 + random.nextInt(8); n++)
            {
                final int entry = random.nextInt(used);
                final int at = IndexDescriptor.entryOffset(entry);
                final int other = IndexDescriptor.entryOffset(random.nextInt(used));
                what.append(' ').append(entry);
                switch (kind)
                {
                    case 0:
                        for (int i = 0; i < IndexDescriptor.ENTRY_LENGTH; i++)
                        {
                            bytes.put(at + i, (byte)random.nextInt());
                        }
                        break;
                    case 1:
                    {
                        final byte[] a = new byte[IndexDescriptor.ENTRY_LENGTH];
                        final byte[] b = new byte[IndexDescriptor.ENTRY_LENGTH];
                        bytes.get(at, a);
                        bytes.get(other, b);
                        bytes.put(at, b);
                        bytes.put(other, a);
                        break;
                    }
                    case 2:
                    {
                        final byte[] later = new byte[IndexDescriptor.ENTRY_LENGTH];
                        bytes.get(IndexDescriptor.entryOffset(Math.min(used - 1, entry + 1 + random.nextInt(40))),
                            later);
                        bytes.put(at, later);
                        break;
                    }
                    case 3:
                        bytes.putInt(at + IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET,
                            random.nextBoolean() ? SEGMENT_LENGTH + 64 : Integer.MAX_VALUE & -64);
                        break;
                    case 4:
                        // into the record's own payload, where a look-alike header carries its sequence
                        bytes.putInt(at + IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET,
                            bytes.getInt(at + IndexDescriptor.ENTRY_FRAME_OFFSET_OFFSET) + 128);
                        break;
                    default:
                        bytes.put(at, new byte[IndexDescriptor.ENTRY_LENGTH]);
                        break;
                }
            }
            bytes.clear();
            file.getChannel().write(bytes, 0);
            return what.toString();
        }
    }
}
