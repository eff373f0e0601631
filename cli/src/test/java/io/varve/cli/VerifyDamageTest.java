package io.varve.cli;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.JournalDirectoryLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve verify} on journals damaged by hand: files that are not part of the chain, leftovers, records
 * written without checksums, the segment allocated ahead, and damage with intact segments after it.
 */
class VerifyDamageTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private List<Long> appendRecords(final int count, final String... options)
    {
        return VerifyCommandTest.appendRecords(dir, count, options);
    }

    private void flipByteAt(final long position) throws Exception
    {
        VerifyCommandTest.flipByteAt(dir, position);
    }

    @Test
    void shouldNameASegmentFileOutsideTheChainAndAgreeWithAppend() throws Exception
    {
        appendRecords(3000);
        final Path stray = dir.resolve("00000000000000999999.seg");
        Files.write(stray, new byte[SEGMENT_LENGTH]);

        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(1, verify.exitCode(), verify.toString());
        assertTrue(verify.out().startsWith(stray + " -1 foreign segment"), verify.out());
        assertFalse(verify.out().contains("torn"), "the real tail is no torn tail: " + verify.out());
        final CliRun refused = CliRun.run("append", dir.toString(), "--count", "1", "--size", "64");
        assertEquals(1, refused.exitCode(), "opening refuses the same file: " + refused);
        assertTrue(refused.err().contains(stray.getFileName().toString()), refused.toString());

        Files.move(stray, elsewhere.resolve(stray.getFileName()));
        assertEquals(0, CliRun.run("verify", dir.toString()).exitCode());
        final CliRun append = CliRun.run("append", dir.toString(), "--count", "1", "--size", "64");
        assertEquals(0, append.exitCode(), append.toString());
    }

    @Test
    void shouldNoteLeftoversTheJournalDeletesOnOpenAndExitZero() throws Exception
    {
        appendRecords(100);
        Files.write(dir.resolve(JournalDirectoryLayout.METADATA_TEMPORARY_FILE), new byte[100]);
        Files.write(dir.resolve(JournalDirectoryLayout.segmentFileName(0) +
            JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX), new byte[100]);
        Files.writeString(dir.resolve("repair.log"), "repaired\n");

        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        assertEquals(2, verify.out().lines().filter((l) -> l.startsWith("NOTE: ")).count(), verify.out());
        assertTrue(verify.out().contains("journal.meta.tmp -1 metadata file left half created"), verify.out());
        assertFalse(verify.out().contains("repair.log"), verify.out());
        assertTrue(verify.out().contains("OK: "), verify.out());
    }

    @Test
    void shouldSayPlainlyThatRecordsWithoutChecksumsWereNotChecked() throws Exception
    {
        final List<Long> positions = appendRecords(3000, "--no-checksums");
        flipByteAt(positions.get(1234) + FrameDescriptor.HEADER_LENGTH + 9);

        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(0, verify.exitCode(), "no checksum can find the flip: " + verify);
        assertTrue(verify.out().contains("NOT CHECKED: 3000 of 3000 records were written without checksums"),
            verify.out());
        assertTrue(verify.out().contains("3000 records (3000 NOT checked: no checksums), 0 bytes checked"),
            verify.out());

        final CliRun dump = CliRun.run("dump", dir.toString());
        assertEquals(0, dump.exitCode(), dump.toString());
        assertFalse(dump.out().contains(" ok |"), "no unchecked frame is called ok: " + dump.out());
        assertEquals(3000, dump.out().lines().filter((l) -> l.contains(" crc=unchecked |")).count());
    }

    @Test
    void shouldCountTheSegmentAllocatedAheadApart()
    {
        appendRecords(3000);
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        // the segment prepared ahead is there when the background preparer got to it before close (nearly always)
        assertTrue(verify.out().contains("OK: " + countStartedSegments() + " segments" +
            (segmentFiles() > countStartedSegments() ? " (+1 allocated ahead, not started)" : "") + ", 3000 records"),
            verify.out());
    }

    private long segmentFiles()
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((f) -> f.getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX))
                .count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private long countStartedSegments()
    {
        final List<Long> bases = new ArrayList<>();
        FrameWalker.walk(dir, SEGMENT_LENGTH, (b, o, l, s, t, ty, p) ->
        {
            final long base = p & -(long)SEGMENT_LENGTH;
            if (!bases.contains(base))
            {
                bases.add(base);
            }
        });
        return bases.size();
    }

    @Test
    void shouldJudgeEverySegmentAfterTheFirstDamage() throws Exception
    {
        final List<Long> positions = appendRecords(3000);
        flipByteAt(positions.get(10) + FrameDescriptor.HEADER_LENGTH + 9);

        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(1, verify.exitCode(), verify.toString());
        final long later = positions.stream().map((p) -> p & -(long)SEGMENT_LENGTH).distinct().count() - 1;
        assertEquals(later, verify.out().lines().filter((l) -> l.startsWith("  after the damage: ") &&
            l.contains(" intact, ")).count(), verify.out());
        assertTrue(verify.out().contains("segments after the first damaged one (00000000000000000000.seg): " +
            later + " intact, 0 damaged, 0 torn, 0 missing, " + (segmentFiles() - later - 1) + " allocated ahead"),
            verify.out());
    }
}
