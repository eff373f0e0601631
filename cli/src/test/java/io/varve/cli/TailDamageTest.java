package io.varve.cli;

import io.varve.journal.format.JournalDirectoryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve tail} over a journal whose middle segment is damaged prints the records before it, then exits 1
 * naming the file, with or without {@code --follow}: it neither stops quietly nor waits forever.
 */
class TailDamageTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    private Path middleSegment()
    {
        assertEquals(0, CliRun.run("append", dir.toString(), "--count", Integer.toString(RECORDS), "--size", "64",
            "--segment-size", "64k").exitCode());
        final Path middle = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        assertTrue(dir.resolve(JournalDirectoryLayout.segmentFileName(3L * SEGMENT_LENGTH)).toFile().exists(),
            "the journal goes on after the segment to damage");
        return middle;
    }

    private static void zero(final Path file) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.write(new byte[SEGMENT_LENGTH]);
        }
    }

    private static void empty(final Path file) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(0);
        }
    }

    private static void assertRefused(final CliRun run, final Path damaged, final String reason)
    {
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(damaged.toString()), run.err());
        assertTrue(run.err().contains(reason), run.err());
        assertTrue(run.err().contains("varve verify"), run.err());
        final long printed = run.out().lines().count();
        assertTrue(printed > 0 && printed < RECORDS, "the records before the damage: " + printed);
    }

    @Test
    void shouldExitOneNamingAMiddleSegmentOfZeros() throws Exception
    {
        final Path middle = middleSegment();
        zero(middle);
        assertRefused(CliRun.run("tail", dir.toString()), middle, "segment not started (its header is all zeros) " +
            "but the journal continues in " + JournalDirectoryLayout.segmentFileName(2L * SEGMENT_LENGTH));
    }

    @Test
    void shouldExitOneNamingAnEmptyMiddleSegment() throws Exception
    {
        final Path middle = middleSegment();
        empty(middle);
        assertRefused(CliRun.run("tail", dir.toString()), middle, "segment file empty: length=0");
    }

    @Test
    void shouldExitOneWithinSecondsWhenFollowingIntoAMiddleSegmentOfZeros() throws Exception
    {
        final Path middle = middleSegment();
        zero(middle);
        final CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> CliRun.run("tail", dir.toString(), "--follow"), "--follow waited in front of the damage");
        assertRefused(run, middle, "segment not started (its header is all zeros)");
    }

    @Test
    void shouldExitOneWithinSecondsWhenFollowingIntoAnEmptyMiddleSegment() throws Exception
    {
        final Path middle = middleSegment();
        empty(middle);
        final CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> CliRun.run("tail", dir.toString(), "--follow"), "--follow waited in front of the damage");
        assertRefused(run, middle, "segment file empty: length=0");
    }
}
