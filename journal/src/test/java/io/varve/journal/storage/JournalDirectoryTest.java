package io.varve.journal.storage;

import io.varve.journal.Journal;
import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateFilesReadableByOwnerAndGroupOnly() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
        }
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file.toString());
            }
        }
    }

    @Test
    void shouldCreateFilesWithConfiguredPermissions() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .filePermissions("rw-------")))
        {
            journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            dir.resolve(JournalDirectoryLayout.segmentFileName(0)))));
        assertThrows(JournalConfigurationException.class, () -> Journal.open(new JournalContext().directory(dir)
            .filePermissions("r--------")));
    }

    @Test
    void shouldAllocateRealBlocksNotASparseFile() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(1024 * 1024)))
        {
            journal.appender().append(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
        }
        final Path segment = dir.resolve(JournalDirectoryLayout.segmentFileName(0));
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", segment.toString()).start();
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS));
        final String[] fields = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        final long allocated = Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
        assertTrue(allocated >= 1024 * 1024, "segment owns its blocks: allocated=" + allocated);
    }

    @Test
    void shouldRefuseAnUnwritableDirectory() throws Exception
    {
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        boolean immutable = false;
        if (Files.isWritable(locked))
        {
            // root ignores permissions; an immutable directory refuses even root
            immutable = new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0;
            Assumptions.assumeTrue(immutable && !Files.isWritable(locked),
                "cannot make a directory unwritable for this user");
        }
        try
        {
            final JournalConfigurationException ex = assertThrows(JournalConfigurationException.class,
                () -> Journal.open(new JournalContext().directory(locked)));
            assertTrue(ex.getMessage().contains("permission denied"), ex.getMessage());
            assertTrue(ex.getMessage().contains(locked.toString()), ex.getMessage());
        }
        finally
        {
            if (immutable)
            {
                new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
            }
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void shouldRefuseAFileWhereTheDirectoryShouldBe() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        final JournalConfigurationException ex = assertThrows(JournalConfigurationException.class,
            () -> Journal.open(new JournalContext().directory(file)));
        assertTrue(ex.getMessage().contains("not a directory"), ex.getMessage());
    }

    @Test
    void shouldRefuseANonEmptyDirectoryThatIsNotAJournal() throws Exception
    {
        Files.writeString(dir.resolve("data.csv"), "x");
        final var ex = assertThrows(io.varve.journal.JournalCorruptionException.class,
            () -> Journal.open(new JournalContext().directory(dir)));
        assertTrue(ex.getMessage().contains("data.csv"), ex.getMessage());
    }
}
