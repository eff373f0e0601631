package io.varve.journal;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MappedFile;
import io.varve.journal.storage.PageTables;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
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
 * A really full file system: a 3 MiB tmpfs, or a 16 MiB ext4 on a loop device (delayed allocation: blocks are
 * reserved when a page is first written and allocated at writeback), mounted for the test (needs root; skipped
 * otherwise). A writer filling it, with segments populated by {@code madvise} where {@link PageTables#isNative()}
 * (JDK 22+ with native access, as the journal's surefire run and the child here have), gets a
 * {@link StorageSpaceException} from prepare naming the segment, never a SIGBUS. And the kernel's populate of a
 * sparse file the file system cannot back returns an error rather than raising SIGBUS: the property a one-pass
 * prepare (sparse file, one populate) would rest on, kept proven here although prepare still writes zeros first.
 */
class FullFileSystemTest
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    @TempDir
    Path parent;

    private Path mountPoint;
    private Path dir;
    private boolean mounted;

    private void mount(final String kind) throws Exception
    {
        mountPoint = Files.createDirectory(parent.resolve(kind));
        final List<List<String>> commands = new ArrayList<>();
        if ("tmpfs".equals(kind))
        {
            commands.add(List.of("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint.toString()));
        }
        else
        {
            final Path image = parent.resolve("ext4.img");
            commands.add(List.of("truncate", "-s", "16m", image.toString()));
            commands.add(List.of("mkfs.ext4", "-q", "-F", image.toString()));
            commands.add(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
        }
        for (final List<String> command : commands)
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            Assumptions.assumeTrue(process.exitValue() == 0,
                "cannot mount a small " + kind + " here (needs root): " + command + ": " + output);
        }
        mounted = true;
        // ext4 has lost+found at its root
        dir = Files.createDirectory(mountPoint.resolve("journal"));
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "tmpfs", "ext4" })
    void shouldRefuseToPopulateWhatTheFileSystemCannotBackRatherThanRaiseSigbus(final String kind) throws Exception
    {
        Assumptions.assumeTrue(PageTables.isNative(), "no native populate here (JDK 17, or no native access): " +
            PageTables.fallbackReason());
        mount(kind);
        final JournalDirectory directory = new JournalDirectory(dir, PosixFilePermissions.fromString("rw-------"));
        final int length = 32 * SEGMENT_LENGTH;
        createSparse(dir.resolve("big"), length);
        final MappedFile mapped = MappedFile.map(dir.resolve("big"), length, false);
        try
        {
            assertFalse(PageTables.tryPopulateWrite(mapped.address(), length), "32 MiB do not fit");
        }
        finally
        {
            mapped.close();
            directory.delete("big");
        }
        createSparse(dir.resolve("small"), SEGMENT_LENGTH);
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

    @ParameterizedTest
    @ValueSource(strings = { "tmpfs", "ext4" })
    void shouldThrowStorageSpaceExceptionFromPrepareNotCrashAndKeepEarlierRecords(final String kind) throws Exception
    {
        mount(kind);
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

    private static void createSparse(final Path file, final long length) throws IOException
    {
        try (RandomAccessFile created = new RandomAccessFile(file.toFile(), "rw"))
        {
            created.setLength(length);
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
