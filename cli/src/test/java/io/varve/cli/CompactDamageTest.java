package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameReader;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentFrames;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve compact} on a journal damaged below its durable position refuses with exit 1, naming the file, the
 * offset and the reason, and changes nothing.
 */
class CompactDamageTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int KEYS = 10;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseWithFileOffsetAndReasonWhenAFrameToCompactIsDamaged() throws IOException
    {
        final Path journal = dir.resolve("j");
        writeKeyedUpdates(journal);
        final Path segment = journal.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        final int offset = recordOffsets(journal, SEGMENT_LENGTH).get(4);
        flipByte(segment, offset + FrameDescriptor.HEADER_LENGTH + 2);
        final Map<String, byte[]> before = segmentAndIndexBytes(journal);

        final CliRun compact = CliRun.run("compact", journal.toString(), "--tombstone-grace", "PT0S");

        assertEquals(1, compact.exitCode(), compact.toString());
        assertTrue(compact.err().startsWith("varve compact: " + segment + " at offset=" + offset +
            ": CRC32C mismatch"), compact.err());
        assertTrue(compact.err().contains("varve verify " + journal) && compact.err().contains("varve repair " +
            journal), compact.err());
        assertUnchanged(before, segmentAndIndexBytes(journal));
    }

    @Test
    void shouldRefuseWhenACompactedSegmentLostTheRestOfItsFramesToAZeroedLength() throws IOException
    {
        final Path journal = dir.resolve("j");
        writeKeyedUpdates(journal);
        assertEquals(0, CliRun.run("compact", journal.toString(), "--tombstone-grace", "PT0S").exitCode());
        writeKeyedUpdates(journal);
        final Path segment = journal.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        final List<Integer> offsets = recordOffsets(journal, SEGMENT_LENGTH);
        final int offset = offsets.get(offsets.size() / 2);
        writeBytes(segment, offset, new byte[4]);
        final Map<String, byte[]> before = segmentAndIndexBytes(journal);

        final CliRun compact = CliRun.run("compact", journal.toString(), "--tombstone-grace", "PT0S");

        assertEquals(1, compact.exitCode(), compact.toString());
        assertTrue(compact.err().startsWith("varve compact: " + segment + " at offset=" + offset +
            ": frame length is zero before the end of a compacted segment's frames"), compact.err());
        assertUnchanged(before, segmentAndIndexBytes(journal));
    }

    private static void assertUnchanged(final Map<String, byte[]> before, final Map<String, byte[]> after)
    {
        assertEquals(before.keySet(), after.keySet(), "no file added or removed, no temporary file left");
        for (final Map.Entry<String, byte[]> file : before.entrySet())
        {
            assertArrayEquals(file.getValue(), after.get(file.getKey()), file.getKey() + " untouched");
        }
    }

    private static void writeKeyedUpdates(final Path journal)
    {
        try (Journal writer = Journal.open(new JournalContext().directory(journal).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = writer.appender();
            final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < KEYS * 400; i++)
            {
                final UnsafeBuffer key = new UnsafeBuffer(("key-" + (i % KEYS)).getBytes(StandardCharsets.US_ASCII));
                value.putInt(0, i);
                appender.appendKeyed(key, 0, key.capacity(), value, 0, value.capacity(), 1, 1, false);
                if (i % 3 == 0)
                {
                    appender.append(value, 0, 8, 2);
                }
            }
            appender.sync();
        }
    }

    private static List<Integer> recordOffsets(final Path journal, final long base)
    {
        final List<Integer> offsets = new ArrayList<>();
        try (MetadataFile metadata = MetadataFile.open(journal, true);
            SegmentFrames segments = new SegmentFrames(journal, metadata.segmentLength(), metadata.journalId(), true,
                false))
        {
            assertEquals(SegmentFrames.OPENED, segments.open(base), String.valueOf(segments.problem()));
            final FrameReader frames = segments.frames();
            while (frames.next() == FrameReader.RECORD)
            {
                offsets.add(frames.offset());
                frames.advance();
            }
        }
        return offsets;
    }

    private static Map<String, byte[]> segmentAndIndexBytes(final Path journal) throws IOException
    {
        final Map<String, byte[]> bytes = new TreeMap<>();
        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (!name.equals(JournalDirectoryLayout.METADATA_FILE) &&
                    !name.equals(JournalDirectoryLayout.LOCK_FILE))
                {
                    bytes.put(name, Files.readAllBytes(file));
                }
            }
        }
        return bytes;
    }

    private static void flipByte(final Path file, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            final int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x10);
        }
    }

    private static void writeBytes(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }
}
