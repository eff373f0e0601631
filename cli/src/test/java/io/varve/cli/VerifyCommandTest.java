package io.varve.cli;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.MetadataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    private List<Long> appendRecords(final int count)
    {
        return appendRecords(dir, count);
    }

    /**
     * {@code varve append} into 64 KiB segments, then every record's position, read from the files.
     */
    static List<Long> appendRecords(final Path dir, final int count, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("append", dir.toString(), "--count",
            Integer.toString(count), "--size", "64", "--segment-size", "64k"));
        args.addAll(List.of(options));
        final CliRun append = CliRun.run(args.toArray(new String[0]));
        assertEquals(0, append.exitCode(), append.toString());
        final List<Long> positions = new ArrayList<>();
        FrameWalker.walk(dir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) -> positions.add(p));
        return positions;
    }

    private void flipByteAt(final long position) throws Exception
    {
        flipByteAt(dir, position);
    }

    /**
     * Flip the low bit of the byte at a journal position, as a bad sector or a stray write would.
     */
    static void flipByteAt(final Path dir, final long position) throws Exception
    {
        final Path segment = dir.resolve(JournalDirectoryLayout.segmentFileName(position & -(long)SEGMENT_LENGTH));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            final long offset = position & (SEGMENT_LENGTH - 1);
            file.seek(offset);
            final int value = file.read();
            file.seek(offset);
            file.write(value ^ 1);
        }
    }

    @Test
    void shouldExitZeroForACleanJournal()
    {
        appendRecords(3000);
        final CliRun run = CliRun.run("verify", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("OK: "), run.out());
        assertTrue(run.out().contains("3000 records"), run.out());
    }

    @Test
    void shouldExitOneAndPrintFileOffsetReasonOfTheFirstBadFrameBelowTheDurablePosition() throws Exception
    {
        final List<Long> positions = appendRecords(3000);
        final long bad = positions.get(1234);
        flipByteAt(bad + FrameDescriptor.HEADER_LENGTH + 9);
        final CliRun run = CliRun.run("verify", dir.toString());
        assertEquals(1, run.exitCode(), run.toString());
        final String firstLine = run.out().lines().findFirst().orElseThrow();
        final Path segment = dir.resolve(JournalDirectoryLayout.segmentFileName(bad & -(long)SEGMENT_LENGTH));
        assertTrue(firstLine.startsWith(segment + " " + (bad & (SEGMENT_LENGTH - 1)) + " CRC32C mismatch"), firstLine);
        assertTrue(run.out().contains("DAMAGED"), run.out());
    }

    @Test
    void shouldWarnButExitZeroForATornTailBeyondTheDurablePosition() throws Exception
    {
        final List<Long> positions = appendRecords(3000);
        try (MetadataFile metadata = MetadataFile.open(dir, false))
        {
            metadata.storeDurablePosition(positions.get(2990), null);
        }
        flipByteAt(positions.get(2995) + FrameDescriptor.HEADER_LENGTH);
        final CliRun run = CliRun.run("verify", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("WARNING: "), run.out());
        assertTrue(run.out().contains("torn, unsynced tail"), run.out());
    }

    @Test
    void shouldExitOneForAMissingOrForeignSegment() throws Exception
    {
        appendRecords(3000);
        Files.delete(dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH)));
        final CliRun missing = CliRun.run("verify", dir.toString());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.out().contains("segment file missing"), missing.out());

        Files.writeString(dir.resolve("stray.bin"), "x");
        final CliRun foreign = CliRun.run("verify", dir.toString());
        assertEquals(1, foreign.exitCode(), foreign.toString());
        assertTrue(foreign.out().contains("stray.bin -1 foreign file"), foreign.out());
    }

    @Test
    void shouldExitOneForATruncatedSegment() throws Exception
    {
        appendRecords(3000);
        try (RandomAccessFile file = new RandomAccessFile(
            dir.resolve(JournalDirectoryLayout.segmentFileName(0)).toFile(), "rw"))
        {
            file.setLength(4096);
        }
        final CliRun run = CliRun.run("verify", dir.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("segment file truncated"), run.out());
    }

    @Test
    void shouldExitTwoForUsageErrors() throws Exception
    {
        assertEquals(2, CliRun.run("verify").exitCode());
        assertEquals(2, CliRun.run("verify", dir.resolve("missing").toString()).exitCode());
        final CliRun notJournal = CliRun.run("verify", Files.createDirectory(dir.resolve("empty")).toString());
        assertEquals(2, notJournal.exitCode(), notJournal.toString());
        assertTrue(notJournal.err().contains("not a journal"), notJournal.err());
    }
}
