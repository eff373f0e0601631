package io.varve.cli;

import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.TailerTableDescriptor;
import io.varve.journal.storage.MetadataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code varve dump}, {@code describe} and {@code stat} flag what {@code varve verify} flags, and exit 1, instead of
 * printing a damaged journal as a normal one.
 */
class ToolsDamageTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final List<String> TOOLS = List.of("dump", "describe", "stat");

    @TempDir
    Path dir;

    private void appendRecords(final int count)
    {
        final CliRun append = CliRun.run("append", dir.toString(), "--count", Integer.toString(count), "--size", "64",
            "--segment-size", "64k");
        assertEquals(0, append.exitCode(), append.toString());
    }

    private void assertEveryToolFlags(final Path file, final String reason)
    {
        final CliRun verify = CliRun.run("verify", dir.toString());
        assertEquals(1, verify.exitCode(), verify.toString());
        for (final String tool : TOOLS)
        {
            final CliRun run = CliRun.run(tool, dir.toString());
            assertEquals(1, run.exitCode(), tool + ": " + run);
            assertTrue(run.out().contains("DAMAGED: " + file + ": "), tool + ": " + run.out());
            assertTrue(run.out().contains(reason), tool + ": " + run.out());
        }
    }

    @Test
    void shouldPassACleanJournal()
    {
        appendRecords(3000);
        for (final String tool : TOOLS)
        {
            final CliRun run = CliRun.run(tool, dir.toString());
            assertEquals(0, run.exitCode(), tool + ": " + run);
            assertFalse(run.out().contains("DAMAGED"), tool + ": " + run.out());
        }
    }

    @Test
    void shouldFlagADeletedMiddleSegment() throws Exception
    {
        appendRecords(3000);
        final Path middle = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        Files.delete(middle);
        assertEveryToolFlags(middle, "segment file missing");
    }

    @Test
    void shouldFlagAForeignSegment() throws Exception
    {
        appendRecords(3000);
        final Path stray = dir.resolve("00000000000000999999.seg");
        Files.write(stray, new byte[SEGMENT_LENGTH]);
        assertEveryToolFlags(stray, "foreign segment");
    }

    @Test
    void shouldFlagGarbageInTheTailerTable()
    {
        appendRecords(100);
        try (MetadataFile metadata = MetadataFile.open(dir, false))
        {
            final int slot = TailerTableDescriptor.slotOffset(7);
            metadata.tailerTable().putInt(slot + TailerTableDescriptor.STATE_OFFSET,
                TailerTableDescriptor.STATE_ACTIVE, LITTLE_ENDIAN);
            metadata.tailerTable().putInt(slot + TailerTableDescriptor.NAME_LENGTH_OFFSET, 1_000_000, LITTLE_ENDIAN);
        }
        assertEveryToolFlags(dir.resolve(JournalDirectoryLayout.METADATA_FILE), "tailer name length out of range");
    }
}
