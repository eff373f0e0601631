package io.varve.journal.compaction;

import io.varve.journal.ChildJvm;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHeader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.SegmentHeaderReader;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCompactorTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int KEYS = 50;

    @TempDir
    Path dir;

    /** Writes keyed updates (key "k<n>", value = a running counter), unkeyed records, and tombstones. */
    private static Map<String, Long> write(final Appender appender, final int updates, final long firstValue)
    {
        return write(appender, updates, firstValue, new HashMap<>());
    }

    private static Map<String, Long> write(
        final Appender appender, final int updates, final long firstValue, final Map<String, Long> latest)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < updates; i++)
        {
            final String key = "k" + (i % KEYS);
            final byte[] keyBytes = key.getBytes(StandardCharsets.US_ASCII);
            final long v = firstValue + i;
            value.putLong(0, v, LITTLE_ENDIAN);
            if (i % 97 == 96)
            {
                appender.appendKeyed(new UnsafeBuffer(keyBytes), 0, keyBytes.length, value, 0, 0, 1, 1, true);
                latest.remove(key);
            }
            else
            {
                appender.appendKeyed(new UnsafeBuffer(keyBytes), 0, keyBytes.length, value, 0, 8, 1, 1, false);
                latest.put(key, v);
            }
            if (i % 10 == 0)
            {
                appender.append(value, 0, 8, 2);
            }
        }
        return latest;
    }

    /** Replays the journal into key -> value, applying tombstones, and counts unkeyed records. */
    private static Map<String, Long> replay(final Path journal, final long[] unkeyed)
    {
        final Map<String, Long> state = new TreeMap<>();
        final long[] last = {-1};
        try (JournalReader reader = JournalReader.open(journal); Tailer tailer = reader.tailer())
        {
            while (tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
            {
                assertTrue(sequence > last[0], "sequences only increase");
                last[0] = sequence;
                final int keyLength = RecordHeader.keyLength(buffer, offset);
                if (keyLength == 0)
                {
                    unkeyed[0]++;
                    return;
                }
                final byte[] key = new byte[keyLength];
                buffer.getBytes(offset, key);
                if (RecordHeader.isTombstone(buffer, offset))
                {
                    state.remove(new String(key, StandardCharsets.US_ASCII));
                }
                else
                {
                    state.put(new String(key, StandardCharsets.US_ASCII), buffer.getLong(offset + keyLength,
                        LITTLE_ENDIAN));
                }
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return state;
    }

    private long segmentBytes() throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((p) -> p.toString().endsWith(".seg")).mapToLong((p) -> p.toFile().length()).sum();
        }
    }

    @Test
    void shouldKeepTheNewestRecordOfEachKeyPreservingSequencesAndFreeSpace() throws Exception
    {
        final Map<String, Long> expected;
        final long[] unkeyedBefore = {0};
        final CompactionReport report;
        final long bytesBefore;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            expected = write(journal.appender(), 20_000, 0);
            journal.appender().sync();
            final Map<String, Long> before = replay(dir, unkeyedBefore);
            assertEquals(new TreeMap<>(expected), before);
            bytesBefore = segmentBytes();

            try (Tailer reading = journal.tailer())
            {
                assertEquals(10, reading.poll((b, o, l, s, t, ty) -> { }, 10), "a tailer mid-way through segment 0");
                report = journal.compact(Duration.ZERO);
                final long[] count = {0};
                while (reading.poll((b, o, l, s, t, ty) -> count[0]++, 1000) > 0)
                {
                    Thread.onSpinWait();
                }
                assertTrue(count[0] > 0, "the tailer that had segment 0 mapped read on, undisturbed");
            }
            assertTrue(report.segmentsRewritten() > 5, report.toString());
            assertTrue(report.recordsSuperseded() > 15_000, report.toString());
            assertEquals(KEYS, report.keys());

            write(journal.appender(), 500, 1_000_000, expected);
        }
        final long[] unkeyedAfter = {0};
        assertEquals(new TreeMap<>(expected), replay(dir, unkeyedAfter),
            "the compacted journal replays to the same state");
        assertEquals(unkeyedBefore[0] + 50, unkeyedAfter[0], "records without a key are all kept");
        assertTrue(segmentBytes() < bytesBefore, "compaction freed disk space: " + segmentBytes() + " < " +
            bytesBefore);
        final UnsafeBuffer header = SegmentHeaderReader.read(dir.resolve(JournalDirectoryLayout.segmentFileName(0)));
        assertTrue(SegmentDescriptor.isCompacted(header));
        final VerifyReport verify = new JournalVerifier(dir, Set.of()).verify();
        assertFalse(verify.hasErrors(), verify.findings().toString());
        try (Journal reopened = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(20_000 + 2000 + 500 + 50, reopened.appender().nextSequence(), "sequences preserved");
        }
    }

    @Test
    void shouldResumeNamedTailersAndSeekBySequenceAcrossCompactedSegments() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            write(journal.appender(), 20_000, 0);
            journal.appender().sync();
            try (Tailer named = journal.tailer("state-builder"))
            {
                named.poll((b, o, l, s, t, ty) -> { }, 7777);
            }
            journal.compact(Duration.ofDays(1));
            try (Tailer named = journal.tailer("state-builder"))
            {
                final long[] first = {-1};
                named.poll((b, o, l, s, t, ty) -> first[0] = s, 1);
                assertTrue(first[0] >= 7777, "resumed at or after where it stopped: " + first[0]);
            }
            try (Tailer tailer = journal.tailer())
            {
                tailer.seekToSequence(5000);
                final long[] seen = {-1};
                tailer.poll((b, o, l, s, t, ty) -> seen[0] = s, 1);
                assertTrue(seen[0] >= 5000, "the first record at or after the sequence: " + seen[0]);
            }
        }
    }

    @Test
    void shouldLeaveEitherTheOldOrTheNewSegmentsWhenKilledDuringCompaction() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            write(journal.appender(), 60_000, 0);
        }
        final long[] unkeyedBefore = {0};
        final Map<String, Long> before = replay(dir, unkeyedBefore);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            final Process child = ChildJvm.start(CompactingChild.class, dir.toString());
            final String line = new String(child.getInputStream().readNBytes(10), StandardCharsets.US_ASCII);
            assertTrue(line.startsWith("COMPACTING"), line);
            Thread.sleep(20 + attempt * 40);
            child.toHandle().destroyForcibly();
            child.waitFor();
            try (Journal reopened = Journal.open(new JournalContext().directory(dir)))
            {
                assertFalse(reopened.recoveryReport().droppedAnything(), reopened.recoveryReport().toString());
            }
            try (Stream<Path> files = Files.list(dir))
            {
                assertTrue(files.noneMatch((p) -> p.toString().endsWith(JournalCompactor.TEMPORARY_SUFFIX)),
                    "the open removed what the killed compaction left");
            }
            final long[] unkeyed = {0};
            assertEquals(before, replay(dir, unkeyed), "attempt " + attempt + ": the same state, old or new");
            assertEquals(unkeyedBefore[0], unkeyed[0]);
            assertFalse(new JournalVerifier(dir, Set.of()).verify().hasErrors());
        }
    }

    @Test
    void shouldNotDisturbATailerInAnotherProcessWhileCompactionRewritesSegments() throws Exception
    {
        final Map<String, Long> expected;
        final long end;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            expected = write(journal.appender(), 20_000, 0);
            journal.appender().sync();
            final Process child = ChildJvm.start(StateFollower.class, dir.toString());
            final java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("FOLLOWING", out.readLine());
            for (int round = 0; round < 5; round++)
            {
                write(journal.appender(), 3000, 100_000L * (round + 1), expected);
                journal.appender().sync();
                // the grace keeps tombstones for tailers that have not read them yet, as Kafka's
                // delete.retention.ms does: a tailer that missed a deletion would keep a deleted key
                journal.compact(Duration.ofHours(1));
            }
            end = journal.appender().nextSequence();
            final UnsafeBuffer marker = new UnsafeBuffer(new byte[8]);
            marker.putLong(0, end, LITTLE_ENDIAN);
            journal.appender().append(marker, 0, 8, 9);
            final String result = out.readLine();
            assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("STATE " + new TreeMap<>(expected), result, "the other process rebuilt the same state");
        }
    }

    /** A closed journal of several sealed segments, everything forced; returns the offsets of segment 1's records. */
    private List<Integer> writeClosedJournal()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            write(journal.appender(), 6_000, 0);
            journal.appender().sync();
        }
        return CompactionFiles.recordOffsets(dir, SEGMENT_LENGTH);
    }

    private void assertCompactionRefused(final int offset, final String reason)
    {
        assertCompactionRefused(SEGMENT_LENGTH, offset, reason);
    }

    private void assertCompactionRefused(final long base, final long offset, final String reason)
    {
        final Map<String, byte[]> before = CompactionFiles.segmentAndIndexBytes(dir);
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            final JournalCorruptionException ex =
                assertThrows(JournalCorruptionException.class, () -> journal.compact(Duration.ZERO));
            assertEquals(CompactionFiles.segment(dir, base), ex.file(), ex.getMessage());
            assertEquals(offset, ex.offset(), ex.getMessage());
            assertTrue(ex.reason().startsWith(reason), ex.getMessage());
            assertTrue(ex.getMessage().contains("varve verify " + dir) &&
                ex.getMessage().contains("varve repair " + dir), ex.getMessage());
        }
        final Map<String, byte[]> after = CompactionFiles.segmentAndIndexBytes(dir);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed, no temporary file left");
        for (final Map.Entry<String, byte[]> file : before.entrySet())
        {
            assertArrayEquals(file.getValue(), after.get(file.getKey()), file.getKey() + " untouched");
        }
    }

    @Test
    void shouldRefuseToCompactASegmentWithAFlippedPayloadByteBelowTheDurablePosition()
    {
        final int offset = writeClosedJournal().get(3);
        CompactionFiles.flipByte(
            CompactionFiles.segment(dir, SEGMENT_LENGTH), offset + FrameDescriptor.HEADER_LENGTH + 1);

        assertCompactionRefused(offset, "CRC32C mismatch");
    }

    @Test
    void shouldRefuseToCompactASegmentWithAZeroedLengthWordBelowTheDurablePosition()
    {
        final int offset = writeClosedJournal().get(3);
        CompactionFiles.writeBytes(CompactionFiles.segment(dir, SEGMENT_LENGTH), offset, new byte[4]);

        assertCompactionRefused(offset, "frame length is zero below the durable position");
    }

    @Test
    void shouldRefuseToCompactASegmentWithARecordOutOfSequenceBelowTheDurablePosition()
    {
        final List<Integer> offsets = writeClosedJournal();
        final Path segment = CompactionFiles.segment(dir, SEGMENT_LENGTH);
        final long sequence = SegmentHeaderReader.baseSequence(segment) + 3;
        CompactionFiles.resequence(segment, offsets.get(3), sequence + 5);

        assertCompactionRefused(offsets.get(3), "sequence out of order: expected=" + sequence + " found=" +
            (sequence + 5));
    }

    @Test
    void shouldRefuseToCompactWhenASegmentDoesNotContinueTheOneBeforeIt() throws Exception
    {
        writeClosedJournal();
        final Path segment = CompactionFiles.segment(dir, 2L * SEGMENT_LENGTH);
        final long baseSequence = SegmentHeaderReader.baseSequence(segment);
        try (MappedFile file = MappedFile.map(segment, SEGMENT_LENGTH, false))
        {
            final UnsafeBuffer header = file.buffer();
            header.putLong(SegmentDescriptor.BASE_SEQUENCE_OFFSET, baseSequence + 5, LITTLE_ENDIAN);
            header.putInt(SegmentDescriptor.HEADER_CHECKSUM_OFFSET, SegmentDescriptor.computeHeaderChecksum(header),
                LITTLE_ENDIAN);
        }

        assertCompactionRefused(2L * SEGMENT_LENGTH, SegmentDescriptor.BASE_SEQUENCE_OFFSET,
            "segment base sequence: expected=" + baseSequence + " found=" + (baseSequence + 5));
    }

    @Test
    void shouldRefuseToCompactAgainWhenACompactedSegmentLostAFrame()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            write(journal.appender(), 6_000, 0);
            journal.appender().sync();
            journal.compact(Duration.ZERO);
        }
        final Path compacted = CompactionFiles.segment(dir, SEGMENT_LENGTH);
        final UnsafeBuffer header = SegmentHeaderReader.read(compacted);
        assertEquals(SegmentDescriptor.COMPACTED_FORMAT_VERSION, SegmentDescriptor.version(header));
        final int offset = CompactionFiles.recordOffsets(dir, SEGMENT_LENGTH).get(2);
        // once, zero here ended a compacted segment's frames: everything after it was dropped without a word
        CompactionFiles.writeBytes(compacted, offset, new byte[4]);

        assertCompactionRefused(offset, "frame length is zero before the end of a compacted segment's frames");
    }

    /** Child JVM main: follow the journal, rebuilding key -> value, until a type 9 record; print the state. */
    public static final class StateFollower
    {
        private StateFollower()
        {
        }

        public static void main(final String[] args)
        {
            final Map<String, Long> state = new TreeMap<>();
            final boolean[] done = {false};
            final long[] last = {-1};
            System.out.println("FOLLOWING");
            System.out.flush();
            try (JournalReader reader = JournalReader.open(Path.of(args[0])); Tailer tailer = reader.tailer())
            {
                while (!done[0])
                {
                    tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                    {
                        if (sequence <= last[0])
                        {
                            throw new IllegalStateException("sequence went back: " + sequence + " after " + last[0]);
                        }
                        last[0] = sequence;
                        final int keyLength = RecordHeader.keyLength(buffer, offset);
                        if (type == 9)
                        {
                            done[0] = true;
                        }
                        else if (keyLength > 0)
                        {
                            final byte[] key = new byte[keyLength];
                            buffer.getBytes(offset, key);
                            final String name = new String(key, StandardCharsets.US_ASCII);
                            if (RecordHeader.isTombstone(buffer, offset))
                            {
                                state.remove(name);
                            }
                            else
                            {
                                state.put(name, buffer.getLong(offset + keyLength, LITTLE_ENDIAN));
                            }
                        }
                    }, 100);
                    Thread.yield();
                }
            }
            System.out.println("STATE " + state);
        }
    }

    /** Child JVM main: open the journal, print COMPACTING, compact. */
    public static final class CompactingChild
    {
        private CompactingChild()
        {
        }

        public static void main(final String[] args)
        {
            try (Journal journal = Journal.open(new JournalContext().directory(Path.of(args[0]))))
            {
                System.out.println("COMPACTING");
                System.out.flush();
                journal.compact(Duration.ZERO);
                System.out.println("COMPACTED");
            }
        }
    }
}
