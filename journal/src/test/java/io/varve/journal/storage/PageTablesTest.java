package io.varve.journal.storage;

import io.varve.journal.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real mappings of real files; residency is read from {@code /proc/self/smaps} (Rss of the mapping). The native
 * tests run only on JDK 22+ with native access enabled (the journal's surefire run passes
 * {@code --enable-native-access=ALL-UNNAMED}); on JDK 17 they are skipped by an assumption and the fallback tests
 * run instead.
 */
class PageTablesTest
{
    private static final int LENGTH = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldBeNativeExactlyWhenTheJdkAndNativeAccessAllowIt() throws Exception
    {
        final boolean allowed = nativeAccessAllowed();
        assertEquals(allowed, PageTables.isNative(), String.valueOf(PageTables.fallbackReason()));
        if (allowed)
        {
            assertNull(PageTables.fallbackReason());
        }
        else
        {
            assertTrue(PageTables.fallbackReason().length() > 0);
        }
    }

    @Test
    void shouldPopulateAnUnwrittenFileForWritingInOneCallWithoutChangingAByte() throws Exception
    {
        Assumptions.assumeTrue(PageTables.isNative(), "no native populate here (JDK 17, or no native access): " +
            PageTables.fallbackReason());
        createSparse(dir.resolve("file"), LENGTH);
        final MappedFile mapped = MappedFile.map(dir.resolve("file"), LENGTH, false);
        try
        {
            final UnsafeBuffer buffer = mapped.buffer();
            buffer.putLong(8, 0x1122334455667788L);
            buffer.putLong(LENGTH - 8, 42L);
            final long before = rssKiB(mapped.address());
            // the two written pages, and whatever large folios they sit in, but far from all
            assertTrue(before < LENGTH / 1024 / 4, "only the written pages' folios are resident: " + before);

            assertTrue(PageTables.tryPopulateWrite(mapped.address(), mapped.length()));

            assertEquals(LENGTH / 1024, rssKiB(mapped.address()), "every page populated");
            assertEquals(0x1122334455667788L, buffer.getLong(8));
            assertEquals(42L, buffer.getLong(LENGTH - 8));
            for (int offset = 16; offset < LENGTH - 8; offset += 8)
            {
                if (buffer.getLong(offset) != 0)
                {
                    throw new AssertionError("byte changed at offset " + offset);
                }
            }
        }
        finally
        {
            mapped.close();
        }
        assertTrue(allocatedBytes(dir.resolve("file")) >= LENGTH, "the file system backs every page");
    }

    @Test
    void shouldPopulateAReadOnlyMappingInOneCall() throws Exception
    {
        Assumptions.assumeTrue(PageTables.isNative(), "no native populate here (JDK 17, or no native access): " +
            PageTables.fallbackReason());
        final Path file = writeFileOfOnes();
        final MappedFile mapped = MappedFile.map(file, LENGTH, true);
        try
        {
            assertEquals(0, rssKiB(mapped.address()));
            assertTrue(PageTables.populateRead(mapped.address(), mapped.length()));
            assertEquals(LENGTH / 1024, rssKiB(mapped.address()));
            assertEquals(0x0101010101010101L, mapped.buffer().getLong(LENGTH - 8));
        }
        finally
        {
            mapped.close();
        }
    }

    @Test
    void shouldFallBackRatherThanThrowWhenMadviseFails() throws Exception
    {
        final Path file = writeFileOfOnes();
        final MappedFile mapped = MappedFile.map(file, LENGTH, false);
        try
        {
            // an address that is not page aligned: madvise returns -1 (EINVAL)
            final long unaligned = mapped.address() + 8;
            assertFalse(PageTables.tryPopulateWrite(unaligned, LENGTH - PageTables.PAGE_SIZE));
            assertFalse(PageTables.populateRead(unaligned, LENGTH - PageTables.PAGE_SIZE));
            assertFalse(PageTables.tryPopulateWrite(mapped.address(), -PageTables.PAGE_SIZE));

            // populateWrite populates from the start of the page (natively), or touches every page
            PageTables.populateWrite(unaligned, LENGTH - PageTables.PAGE_SIZE);
            assertTrue(rssKiB(mapped.address()) >= (LENGTH - PageTables.PAGE_SIZE) / 1024);
            PageTables.populateWrite(mapped.address(), LENGTH);
            assertEquals(LENGTH / 1024, rssKiB(mapped.address()));
            for (int offset = 0; offset < LENGTH; offset += 8)
            {
                if (mapped.buffer().getLong(offset) != 0x0101010101010101L)
                {
                    throw new AssertionError("byte changed at offset " + offset);
                }
            }
        }
        finally
        {
            mapped.close();
        }
    }

    @Test
    void shouldFallBackSilentlyInAJvmWithoutNativeAccess() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(new ProcessBuilder(
            ChildJvm.command(true, Probe.class, dir.toString())).redirectErrorStream(true).start(), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.lines().contains("NATIVE false"), result.output());
        assertTrue(result.lines().contains("BYTES KEPT"), result.output());
        assertTrue(stderr(result).isEmpty(), "nothing on stderr, no warning: " + result.output());
    }

    @Test
    void shouldGoNativeWithTheFlagWithoutAWarningAndTheFlagIsHarmlessOnJdk17() throws Exception
    {
        final List<String> command = new ArrayList<>(ChildJvm.command(true, Probe.class, dir.toString()));
        command.add(1, "--enable-native-access=ALL-UNNAMED");
        final ChildJvm.Result result = ChildJvm.runToEnd(
            new ProcessBuilder(command).redirectErrorStream(true).start(), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.lines().contains("NATIVE " + (Runtime.version().feature() >= 22)), result.output());
        assertTrue(result.lines().contains("BYTES KEPT"), result.output());
        assertTrue(stderr(result).isEmpty(), "nothing on stderr, no warning: " + result.output());

        final List<String> off = new ArrayList<>(command);
        off.add(2, "-D" + PageTables.NATIVE_PROPERTY + "=false");
        final ChildJvm.Result turnedOff = ChildJvm.runToEnd(
            new ProcessBuilder(off).redirectErrorStream(true).start(), 60);
        assertTrue(turnedOff.lines().contains("NATIVE false"), turnedOff.output());
        assertTrue(turnedOff.lines().contains("BYTES KEPT"), turnedOff.output());
    }

    private static List<String> stderr(final ChildJvm.Result result)
    {
        // the child prints every line of its own on stdout with a prefix; anything else came from the JVM on stderr
        final List<String> other = new ArrayList<>();
        for (final String line : result.lines())
        {
            if (!line.startsWith("NATIVE ") && !line.startsWith("REASON ") && !line.equals("BYTES KEPT"))
            {
                other.add(line);
            }
        }
        return other;
    }

    /** A file of a length with no blocks written: holes the populate must back. */
    static void createSparse(final Path file, final long length) throws IOException
    {
        try (RandomAccessFile created = new RandomAccessFile(file.toFile(), "rw"))
        {
            created.setLength(length);
        }
    }

    private Path writeFileOfOnes() throws IOException
    {
        final Path file = dir.resolve("ones");
        final ByteBuffer ones = ByteBuffer.allocate(LENGTH);
        while (ones.hasRemaining())
        {
            ones.put((byte)1);
        }
        ones.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            while (ones.hasRemaining())
            {
                channel.write(ones);
            }
        }
        return file;
    }

    static boolean nativeAccessAllowed() throws ReflectiveOperationException
    {
        return Runtime.version().feature() >= 22 &&
            !"false".equals(System.getProperty(PageTables.NATIVE_PROPERTY)) &&
            (Boolean)Module.class.getMethod("isNativeAccessEnabled").invoke(PageTables.class.getModule());
    }

    /** Resident KiB of the mapping that holds an address, from /proc/self/smaps. */
    static long rssKiB(final long address) throws IOException
    {
        boolean inside = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+"))
            {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            }
            else if (inside && line.startsWith("Rss:"))
            {
                return Long.parseLong(line.substring(4).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no mapping holds address " + Long.toHexString(address));
    }

    /** Bytes the file system has allocated (or reserved) for a file: {@code stat %b * %B}. */
    static long allocatedBytes(final Path file) throws Exception
    {
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        final String[] fields = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        stat.waitFor();
        return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
    }

    /**
     * A child JVM's main: prints whether the native path is in use, populates a mapping of a file of known bytes
     * for writing, and prints {@code BYTES KEPT} when not a byte changed.
     */
    public static final class Probe
    {
        private Probe()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            System.out.println("NATIVE " + PageTables.isNative());
            System.out.println("REASON " + PageTables.fallbackReason());
            final Path file = Path.of(args[0]).resolve("probe");
            Files.write(file, new byte[]{ 1, 2, 3, 4, 5, 6, 7, 8 });
            final JournalDirectory directory = new JournalDirectory(Path.of(args[0]),
                PosixFilePermissions.fromString("rw-------"));
            directory.extend("probe", LENGTH);
            final MappedFile mapped = MappedFile.map(file, LENGTH, false);
            mapped.preTouch();
            final UnsafeBuffer buffer = mapped.buffer();
            boolean kept = buffer.getLong(0) == 0x0807060504030201L;
            for (int offset = 8; offset < LENGTH; offset += 8)
            {
                kept &= buffer.getLong(offset) == 0;
            }
            mapped.close();
            System.out.println(kept ? "BYTES KEPT" : "BYTES CHANGED");
        }
    }
}
