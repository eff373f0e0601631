package io.varve.journal.read;

import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.IndexDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tailer never steps over damage, nor waits forever in front of it: each case damages a closed journal by hand
 * and checks that the tailer delivers the records before the damage, then refuses naming file, offset and reason.
 */
class TailerDamageTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final long WAIT_NANOS = 5_000_000_000L;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    private List<Long> write(final int count)
    {
        final List<Long> positions = new ArrayList<>();
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < count; i++)
            {
                final long sequence = appender.nextSequence();
                ChildWriter.fill(payload, sequence);
                positions.add(appender.append(payload, 0, ChildWriter.payloadLength(sequence), (int)(sequence % 3)));
            }
        }
        return positions;
    }

    private Path segment(final long base)
    {
        return dir.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    private static void writeBytes(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    private static void truncate(final Path file, final long length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(length);
        }
    }

    private static byte[] longBytes(final long value)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array();
    }

    private static int firstInSegment(final List<Long> positions, final long base)
    {
        for (int i = 0; i < positions.size(); i++)
        {
            if (positions.get(i) >= base)
            {
                return i;
            }
        }
        throw new AssertionError("no record at or after " + base);
    }

    /**
     * Poll until the tailer refuses, checking each record delivered, for at most a few seconds: a tailer that waits
     * forever fails the test instead of hanging it.
     */
    private static JournalCorruptionException pollUntilRefused(final Tailer tailer, final long[] next)
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        return assertThrows(JournalCorruptionException.class, () ->
        {
            while (System.nanoTime() - deadline < 0)
            {
                tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    assertEquals(next[0]++, sequence);
                    assertTrue(ChildWriter.matches((UnsafeBuffer)buffer, offset, length, sequence),
                        "record " + sequence);
                }, 1000);
                Thread.sleep(1);
            }
        }, "the tailer waited instead of refusing");
    }

    @FunctionalInterface
    interface Damage
    {
        void apply(Path segment) throws IOException;
    }

    /**
     * Damage segment 1 of a journal of many segments: the tailer delivers segment 0's records, then refuses.
     */
    private void assertRefusesMiddleSegment(final Damage damage, final long offset, final String reason)
        throws IOException
    {
        final List<Long> positions = write(2000);
        assertTrue(positions.get(positions.size() - 1) > 3L * SEGMENT_LENGTH, "several segments");
        damage.apply(segment(SEGMENT_LENGTH));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final JournalCorruptionException ex = pollUntilRefused(tailer, next);
            assertEquals(segment(SEGMENT_LENGTH), ex.file(), ex.getMessage());
            assertEquals(offset, ex.offset(), ex.getMessage());
            assertTrue(ex.reason().contains(reason), ex.getMessage());
            assertTrue(ex.getMessage().contains("varve verify"), ex.getMessage());
            assertEquals(firstInSegment(positions, SEGMENT_LENGTH), next[0], "every record before the damage");
            assertEquals(next[0], tailer.nextSequence(), "the tailer stays in front of the damage");
        }
    }

    @Test
    void shouldRefuseAMiddleSegmentOfZerosWhenTheJournalContinuesAfterIt() throws Exception
    {
        assertRefusesMiddleSegment(file -> writeBytes(file, 0, new byte[SEGMENT_LENGTH]), 0,
            "segment not started (its header is all zeros) but the journal continues in " +
            JournalDirectoryLayout.segmentFileName(2L * SEGMENT_LENGTH));
    }

    @Test
    void shouldRefuseAnEmptyMiddleSegment() throws Exception
    {
        assertRefusesMiddleSegment(file -> truncate(file, 0), -1,
            "segment file empty: length=0 expected=" + SEGMENT_LENGTH + ", but the journal continues in " +
            JournalDirectoryLayout.segmentFileName(2L * SEGMENT_LENGTH));
    }

    @Test
    void shouldRefuseAMiddleSegmentTruncatedInsideItsHeader() throws Exception
    {
        assertRefusesMiddleSegment(file -> truncate(file, 40), -1,
            "segment file truncated: length=40 expected=" + SEGMENT_LENGTH + ", but the journal continues in");
    }

    @Test
    void shouldReadAMiddleSegmentTruncatedAfterItsHeaderUpToTheFirstFrameTheCutReaches() throws Exception
    {
        final List<Long> positions = write(2000);
        truncate(segment(SEGMENT_LENGTH), 4096);
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final JournalCorruptionException ex = pollUntilRefused(tailer, next);
            assertEquals(segment(SEGMENT_LENGTH), ex.file(), ex.getMessage());
            assertTrue(ex.offset() > 0 && ex.offset() < 4096, ex.getMessage());
            assertTrue(ex.reason().startsWith("segment file truncated: length=4096 expected=" + SEGMENT_LENGTH +
                ": the frame at offset=" + ex.offset() + " ends beyond it"), ex.getMessage());
            // the frames before the cut are intact and delivered, as recovery keeps them
            assertEquals(positions.indexOf(SEGMENT_LENGTH + ex.offset()), (int)next[0], ex.getMessage());
            assertTrue(next[0] > firstInSegment(positions, SEGMENT_LENGTH), "records of the cut segment delivered");
            assertEquals(next[0], tailer.nextSequence(), "the tailer stays in front of the damage");
        }
    }

    @Test
    void shouldRefuseAZeroedFrameLengthInASegmentTheWriterRolledOutOf() throws Exception
    {
        final List<Long> positions = write(2000);
        final long bad = positions.get(42);
        assertTrue(bad < SEGMENT_LENGTH, "in the first segment");
        writeBytes(segment(0), bad, new byte[4]);
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final JournalCorruptionException ex = pollUntilRefused(tailer, next);
            assertEquals(segment(0), ex.file());
            assertEquals(bad, ex.offset());
            assertTrue(ex.reason().startsWith("frame length is zero but "), ex.getMessage());
            assertEquals(42, next[0]);
        }
    }

    @Test
    void shouldRefuseADamagedPaddingFrameInsteadOfJumpingToTheNextSegment() throws Exception
    {
        final List<Long> positions = write(2000);
        final int last = firstInSegment(positions, SEGMENT_LENGTH) - 1;
        final long padding = positions.get(last) +
            FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + ChildWriter.payloadLength(last));
        assertTrue(padding <= SEGMENT_LENGTH - FrameDescriptor.HEADER_LENGTH, "segment 0 ends with a padding frame");
        // a later timestamp in the padding's header: nothing but its checksum tells
        writeBytes(segment(0), padding + FrameDescriptor.TIMESTAMP_OFFSET, longBytes(Long.MAX_VALUE));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final JournalCorruptionException ex = pollUntilRefused(tailer, next);
            assertEquals(segment(0), ex.file());
            assertEquals(padding, ex.offset());
            assertTrue(ex.reason().contains("CRC32C mismatch"), ex.getMessage());
            assertEquals(last + 1, next[0]);
        }
    }

    @Test
    void shouldRefuseATimestampGoingBackwardsWithoutChecksums() throws Exception
    {
        final List<Long> positions = write(100);
        final long bad = positions.get(42);
        writeBytes(segment(0), bad + FrameDescriptor.TIMESTAMP_OFFSET, longBytes(1));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer(null, false))
        {
            final long[] next = {0};
            final JournalCorruptionException ex = pollUntilRefused(tailer, next);
            assertEquals(bad, ex.offset());
            assertTrue(ex.reason().contains("timestamp went backwards"), ex.getMessage());
            assertEquals(42, next[0]);
        }
    }

    @Test
    void shouldRefuseASeekThatWalksOverADamagedFrame() throws Exception
    {
        final List<Long> positions = write(100);
        final long bad = positions.get(42);
        writeBytes(segment(0), bad + FrameDescriptor.HEADER_LENGTH + 9, new byte[]{ 0x55 });
        // without its index the seek walks every frame from the first
        Files.delete(dir.resolve(JournalDirectoryLayout.indexFileName(0)));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final JournalCorruptionException toSequence = assertThrows(JournalCorruptionException.class,
                () -> tailer.seekToSequence(60));
            assertEquals(segment(0), toSequence.file());
            assertEquals(bad, toSequence.offset());
            assertTrue(toSequence.reason().contains("CRC32C mismatch"), toSequence.getMessage());
            assertEquals(0, tailer.nextSequence(), "a refused seek leaves the tailer where it was");

            final JournalCorruptionException toEnd = assertThrows(JournalCorruptionException.class,
                tailer::seekToEnd);
            assertEquals(bad, toEnd.offset());
            final JournalCorruptionException toPosition = assertThrows(JournalCorruptionException.class,
                () -> tailer.seekToPosition(positions.get(50)));
            assertEquals(bad, toPosition.offset());
        }
    }

    @Test
    void shouldNotStartASeekAtAnIndexEntryWhoseFrameIsDamaged() throws Exception
    {
        final List<Long> positions = write(100);
        final UnsafeBuffer index = new UnsafeBuffer(Files.readAllBytes(dir.resolve(
            JournalDirectoryLayout.indexFileName(0))));
        final int entry = 3;
        final long sequence = IndexDescriptor.sequence(index, entry);
        final int frameOffset = IndexDescriptor.frameOffsetVolatile(index, entry);
        assertEquals((long)positions.get((int)sequence), frameOffset, "the entry points at its record");
        writeBytes(segment(0), frameOffset + FrameDescriptor.HEADER_LENGTH + 9, new byte[]{ 0x55 });
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            // the entry's header fields still match, but its frame breaks the checksum rule: the seek starts at an
            // earlier entry, walks into the damaged frame and says so
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
                () -> tailer.seekToSequence(sequence));
            assertEquals(frameOffset, ex.offset());
            assertTrue(ex.reason().contains("CRC32C mismatch"), ex.getMessage());
        }
    }

    @Test
    void shouldWaitForASegmentAllocatedAheadOfTheWriterAndOneBeingCreated() throws Exception
    {
        final List<Long> positions = write(2000);
        final long lastBase = positions.get(positions.size() - 1) & -(long)SEGMENT_LENGTH;
        final Path ahead = segment(lastBase + SEGMENT_LENGTH);
        if (!Files.exists(ahead))
        {
            truncate(ahead, SEGMENT_LENGTH);
        }
        truncate(segment(lastBase + 2L * SEGMENT_LENGTH), 0);
        final int count = positions.size();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final long[] next = {0};
            final long deadline = System.nanoTime() + 100_000_000L;
            while (System.nanoTime() - deadline < 0)
            {
                tailer.poll((buffer, offset, length, sequence, timestamp, type) -> next[0]++, 1000);
            }
            assertEquals(count, next[0], "every record, then a wait");
            Files.delete(segment(lastBase + 2L * SEGMENT_LENGTH));
            try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
            {
                final Appender appender = journal.appender();
                while (appender.position() < lastBase + 2L * SEGMENT_LENGTH)
                {
                    ChildWriter.fill(payload, appender.nextSequence());
                    appender.append(payload, 0, ChildWriter.payloadLength(appender.nextSequence()));
                }
                final long end = appender.nextSequence();
                final long until = System.nanoTime() + WAIT_NANOS;
                while (next[0] < end && System.nanoTime() - until < 0)
                {
                    tailer.poll((buffer, offset, length, sequence, timestamp, type) -> assertEquals(next[0]++,
                        sequence), 1000);
                }
                assertEquals(end, next[0], "the tailer went on into the segment once the writer started it");
            }
        }
    }
}
