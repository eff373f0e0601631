package io.varve.journal.read;

import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailerTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    private List<Long> append(final Appender appender, final int count)
    {
        final List<Long> positions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final long sequence = appender.nextSequence();
            ChildWriter.fill(payload, sequence);
            positions.add(appender.append(payload, 0, ChildWriter.payloadLength(sequence), (int)(sequence % 3)));
        }
        return positions;
    }

    private static int drain(final Tailer tailer, final long[] expected)
    {
        int total = 0;
        int delivered;
        while ((delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
        {
            assertEquals(expected[0]++, sequence);
            assertEquals((int)(sequence % 3), type);
            assertTrue(ChildWriter.matches((UnsafeBuffer)buffer, offset, length, sequence), "record " + sequence);
        }, 100)) > 0)
        {
            total += delivered;
        }
        return total;
    }

    @Test
    void shouldSeeRecordsAsSoonAsTheyAreCommittedAcrossRolls()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH));
            Tailer tailer = journal.tailer())
        {
            final long[] expected = {0};
            assertEquals(0, drain(tailer, expected));
            for (int round = 0; round < 50; round++)
            {
                append(journal.appender(), 97);
                assertEquals(97, drain(tailer, expected), "round " + round);
                assertEquals(journal.appender().position(), tailer.position());
            }
            assertTrue(journal.appender().position() > 10L * SEGMENT_LENGTH, "rolled many segments");
        }
    }

    @Test
    void shouldSeekBySequenceAtStartMiddleAndEndOfSegments()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final List<Long> positions = append(journal.appender(), 3000);
            final List<Integer> interesting = new ArrayList<>(List.of(0, 1, 2, 1500, 2998, 2999));
            for (int i = 1; i < positions.size(); i++)
            {
                if ((positions.get(i) & -SEGMENT_LENGTH) != (positions.get(i - 1) & -SEGMENT_LENGTH))
                {
                    interesting.add(i - 1);
                    interesting.add(i);
                    interesting.add(i + 1);
                }
            }
            assertTrue(interesting.size() > 12, "several segment boundaries");
            try (Tailer tailer = journal.tailer())
            {
                for (final int sequence : interesting)
                {
                    tailer.seekToSequence(sequence);
                    assertEquals(sequence, tailer.nextSequence());
                    assertEquals(positions.get(sequence), tailer.position(), "sequence " + sequence);
                    final long[] seen = {-1};
                    assertEquals(1, tailer.poll((b, o, l, s, t, ty) -> seen[0] = s, 1));
                    assertEquals(sequence, seen[0]);

                    tailer.seekToPosition(positions.get(sequence));
                    assertEquals(sequence, tailer.nextSequence());
                }
                tailer.seekToSequence(3000);
                assertEquals(journal.appender().position(), tailer.position(), "next sequence = the end");
                assertEquals(0, tailer.poll((b, o, l, s, t, ty) -> { }, 10));
            }
        }
    }

    @Test
    void shouldSeekByTimestampToTheFirstRecordAtOrAfterIt()
    {
        final long[] clock = {1_700_000_000_000_000_000L};
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .exactTimestamps(true).clock(() -> clock[0] += 1000)))
        {
            final List<Long> positions = append(journal.appender(), 3000);
            try (Tailer tailer = journal.tailer())
            {
                final List<Long> timestamps = new ArrayList<>();
                while (tailer.poll((b, o, l, s, t, ty) -> timestamps.add(t), 1000) > 0)
                {
                    assertTrue(timestamps.size() <= 3000);
                }
                assertEquals(3000, timestamps.size());
                for (final int sequence : new int[]{ 0, 1, 700, 701, 1499, 1500, 2999 })
                {
                    final long timestamp = timestamps.get(sequence);
                    tailer.seekToTimestamp(timestamp);
                    assertEquals(sequence, tailer.nextSequence(), "exact timestamp of " + sequence);
                    assertEquals(positions.get(sequence), tailer.position());
                    if (sequence > 0)
                    {
                        tailer.seekToTimestamp(timestamp - 500);
                        assertEquals(sequence, tailer.nextSequence(), "just before " + sequence);
                    }
                }
                tailer.seekToTimestamp(timestamps.get(2999) + 1);
                assertEquals(3000, tailer.nextSequence(), "after every record: the end");
                final TailerSeekException before = assertThrows(TailerSeekException.class,
                    () -> tailer.seekToTimestamp(timestamps.get(0) - 1));
                assertTrue(before.getMessage().contains("timestamp before the first record"), before.getMessage());
            }
        }
    }

    @Test
    void shouldRejectSeeksPastTheEndBeforeTheStartAndIntoAFrame()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final List<Long> positions = append(journal.appender(), 1000);
            try (Tailer tailer = journal.tailer())
            {
                tailer.seekToSequence(500);
                final TailerSeekException pastSequence = assertThrows(TailerSeekException.class,
                    () -> tailer.seekToSequence(1001));
                assertTrue(pastSequence.getMessage().contains("seek past the end"), pastSequence.getMessage());
                assertTrue(pastSequence.getMessage().contains("nextSequence=1000"), pastSequence.getMessage());
                assertEquals(500, tailer.nextSequence(), "a refused seek leaves the tailer where it was");

                final TailerSeekException pastPosition = assertThrows(TailerSeekException.class,
                    () -> tailer.seekToPosition(journal.appender().position() + 8));
                assertTrue(pastPosition.getMessage().contains("seek past the end"), pastPosition.getMessage());
                assertThrows(TailerSeekException.class,
                    () -> tailer.seekToPosition(journal.appender().position() + 10L * SEGMENT_LENGTH));

                final TailerSeekException inside = assertThrows(TailerSeekException.class,
                    () -> tailer.seekToPosition(positions.get(10) + 8));
                assertTrue(inside.getMessage().contains("not a record position"), inside.getMessage());

                final TailerSeekException before = assertThrows(TailerSeekException.class,
                    () -> tailer.seekToSequence(-1));
                assertTrue(before.getMessage().contains("sequence before the first record"), before.getMessage());
            }
        }
    }

    @Test
    void shouldRejectSequencesBeforeTheFirstRetainedRecord() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        Files.delete(dir.resolve(JournalDirectoryLayout.segmentFileName(0)));
        Files.delete(dir.resolve(JournalDirectoryLayout.indexFileName(0)));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long first = tailer.nextSequence();
            assertTrue(first > 0);
            final TailerSeekException ex = assertThrows(TailerSeekException.class, () -> tailer.seekToSequence(0));
            assertTrue(ex.getMessage().contains("firstSequence=" + first), ex.getMessage());
            final long[] expected = {first};
            assertEquals(2000 - first, drain(tailer, expected));
        }
    }

    @Test
    void shouldRefuseADirectoryThatIsNotAJournal() throws Exception
    {
        final JournalConfigurationException missing = assertThrows(JournalConfigurationException.class,
            () -> JournalReader.open(dir.resolve("nothing")));
        assertTrue(missing.getMessage().contains("not a journal"), missing.getMessage());
        final JournalConfigurationException empty = assertThrows(JournalConfigurationException.class,
            () -> JournalReader.open(dir));
        assertTrue(empty.getMessage().contains("no journal.meta"), empty.getMessage());
    }

    @Test
    void shouldRefuseAJournalOfAnUnknownFormatVersion() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 10);
        }
        try (RandomAccessFile meta = new RandomAccessFile(
            dir.resolve(JournalDirectoryLayout.METADATA_FILE).toFile(), "rw"))
        {
            meta.seek(MetadataDescriptor.VERSION_OFFSET);
            meta.write(2);
        }
        final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
            () -> JournalReader.open(dir));
        assertTrue(ex.getMessage().contains("unknown metadata format version: expected=1 found=2"), ex.getMessage());
    }

    @Test
    void shouldFailClearlyWhenTheNextSegmentIsDeletedUnderTheTailer() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            assertEquals(1, tailer.poll((b, o, l, s, t, ty) -> { }, 1));
            final Path second = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
            Files.delete(second);
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class, () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    tailer.poll((b, o, l, s, t, ty) -> { }, 1000);
                    Thread.sleep(0, 200_000);
                }
            });
            assertEquals(second, ex.file());
            assertTrue(ex.getMessage().contains("deleted under the tailer"), ex.getMessage());
        }
    }

    @Test
    void shouldFailClearlyWhenTheNextSegmentIsReplacedUnderTheTailer() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        final Path other = dir.resolve("other");
        try (Journal journal = Journal.open(new JournalContext().directory(other).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            assertEquals(1, tailer.poll((b, o, l, s, t, ty) -> { }, 1));
            final String name = JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH);
            Files.copy(other.resolve(name), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class, () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    tailer.poll((b, o, l, s, t, ty) -> { }, 1000);
                }
            });
            assertTrue(ex.getMessage().contains("belongs to another journal"), ex.getMessage());
        }
    }

    @Test
    void shouldDetectACorruptCommittedFrame() throws Exception
    {
        final List<Long> positions;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            positions = append(journal.appender(), 100);
        }
        final long bad = positions.get(42);
        try (RandomAccessFile file = new RandomAccessFile(
            dir.resolve(JournalDirectoryLayout.segmentFileName(0)).toFile(), "rw"))
        {
            file.seek(bad + 40);
            file.write(0x55);
        }
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] expected = {0};
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
                () -> drain(tailer, expected));
            assertEquals(bad, ex.offset());
            assertTrue(ex.getMessage().contains("CRC32C mismatch"), ex.getMessage());
            assertEquals(42, tailer.nextSequence(), "the tailer does not move past the bad frame");
        }
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer(null, false))
        {
            final long[] count = {0};
            while (tailer.poll((b, o, l, s, t, ty) -> count[0]++, 100) > 0)
            {
                assertTrue(count[0] <= 100);
            }
            assertEquals(100, count[0], "without checksums the damage goes unnoticed, as documented");
        }
    }
}
