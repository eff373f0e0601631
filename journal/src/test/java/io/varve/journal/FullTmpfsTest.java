package io.varve.journal;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.PageTables;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A really full file system: a 3 MiB tmpfs mounted for the test (needs root; skipped otherwise). Segments are
 * created unwritten and backed by the kernel's populate where {@link PageTables#isNative()} (JDK 22+ with native
 * access, as the journal's surefire run and the child here have), so a full disk must be an error from that populate
 * (a {@link StorageSpaceException} naming the file) and never a SIGBUS of the JVM on a later write.
 */
class FullTmpfsTest
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    @TempDir
    Path parent;

    private Path dir;

    @BeforeEach
    void mount() throws Exception
    {
        dir = Files.createDirectory(parent.resolve("tmpfs"));
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir.toString())
            .redirectErrorStream(true).start();
        final String output = new String(mount.getInputStream().readAllBytes());
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
        Assumptions.assumeTrue(mount.exitValue() == 0, "cannot mount a small tmpfs here (needs root): " + output);
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (dir != null)
        {
            new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseToPopulateWhatTheFileSystemCannotBackRatherThanRaiseSigbus() throws Exception
    {
        Assumptions.assumeTrue(PageTables.isNative(), "no native populate here (JDK 17, or no native access): " +
            PageTables.fallbackReason());
        final JournalDirectory directory = new JournalDirectory(dir, PosixFilePermissions.fromString("rw-------"));
        final int length = 8 * SEGMENT_LENGTH;
        directory.createUnwritten("big", length);
        final MappedFile mapped = MappedFile.map(dir.resolve("big"), length, false);
        try
        {
            assertFalse(PageTables.tryPopulateWrite(mapped.address(), length), "8 MiB do not fit in 3 MiB");
        }
        finally
        {
            mapped.close();
            directory.delete("big");
        }
        directory.createUnwritten("small", SEGMENT_LENGTH);
        final MappedFile small = MappedFile.map(dir.resolve("small"), SEGMENT_LENGTH, false);
        try
        {
            assertTrue(PageTables.tryPopulateWrite(small.address(), SEGMENT_LENGTH), "1 MiB fits once freed");
        }
        finally
        {
            small.close();
        }
    }

    @Test
    void shouldThrowStorageSpaceExceptionFromPrepareNotCrashAndKeepEarlierRecords() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1024]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < 100; i++)
            {
                ChildWriter.fill(payload, i);
                appender.append(payload, 0, ChildWriter.payloadLength(i));
            }
        }

        final List<String> command = new ArrayList<>(ChildJvm.command(true, NativeFill.class, dir.toString()));
        command.add(1, "--enable-native-access=ALL-UNNAMED");
        final ChildJvm.Result result = ChildJvm.runToEnd(
            new ProcessBuilder(command).redirectErrorStream(true).start(), 120);
        assertEquals(0, result.exitCode(), "no SIGBUS: " + result.output());
        assertTrue(result.lines().contains("NATIVE " + (Runtime.version().feature() >= 22)), result.output());
        final String full = result.lines().stream().filter((l) -> l.startsWith("FULL ")).findFirst().orElseThrow(
            () -> new AssertionError("no StorageSpaceException: " + result.output()));
        assertTrue(full.contains("No space left on device"), full);
        assertTrue(full.contains(".seg"), "names the segment: " + full);
        assertTrue(full.contains("requested=" + SEGMENT_LENGTH), full);
        assertTrue(result.lines().contains("STILL FULL"), result.output());
        assertTrue(result.lines().contains("CLOSED"), result.output());
        final long appendedByChild = Long.parseLong(full.split(" ")[1]);

        final long[] next = {0};
        final long records = FrameWalker.walk(dir, SEGMENT_LENGTH,
            (buffer, offset, length, sequence, timestamp, type, position) ->
            {
                assertEquals(next[0]++, sequence);
                assertTrue(ChildWriter.matches(buffer, offset, length, sequence));
            });
        assertEquals(100 + appendedByChild, records, "every record written before the failure is readable");
        try (Stream<Path> files = Files.list(dir))
        {
            files.filter((p) -> p.toString().endsWith(".seg")).forEach((p) ->
                assertEquals(SEGMENT_LENGTH, p.toFile().length(), "no partial segment left behind: " + p));
        }
    }

    /**
     * A child JVM's main: prints whether the native path is in use, then {@code ChildWriter fill DIR}.
     */
    public static final class NativeFill
    {
        private NativeFill()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            System.out.println("NATIVE " + PageTables.isNative());
            ChildWriter.main(new String[]{ "fill", args[0] });
        }
    }
}
