package io.varve.journal.storage;

import io.varve.journal.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Populating mappings the kernel cannot populate as asked: a file cut short under a writable mapping, a read-only
 * mapping asked to be populated for writing. Each runs in a child JVM with native access, since the fault tested
 * for (SIGBUS or SIGSEGV in a touch) kills the JVM.
 */
class PageTablesAdversaryTest
{
    private static final int LENGTH = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldNotCrashPopulatingForWritingAFileCutShortUnderTheMapping() throws Exception
    {
        // without the native call the fallback must touch the pages, and a page past the end raises SIGBUS as a
        // write there would: only the native path can tell, and it must not touch after the kernel refused
        Assumptions.assumeTrue(PageTables.isNative(), "needs the native populate: " + PageTables.fallbackReason());
        final ChildJvm.Result result = run("truncated");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.lines().contains("POPULATED false"), result.output());
        assertTrue(result.lines().contains("END"), result.output());
    }

    @Test
    void shouldNotCrashPreTouchingAReadOnlyMapping() throws Exception
    {
        final ChildJvm.Result result = run("readOnly");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.lines().contains("END"), result.output());
    }

    private ChildJvm.Result run(final String mode) throws Exception
    {
        final List<String> command = new ArrayList<>(ChildJvm.command(true, Child.class, mode, dir.toString()));
        command.add(1, "--enable-native-access=ALL-UNNAMED");
        return ChildJvm.runToEnd(new ProcessBuilder(command).redirectErrorStream(true).start(), 60);
    }

    /**
     * Maps a file and populates it as the parent asks.
     */
    public static final class Child
    {
        public static void main(final String[] args) throws Exception
        {
            final Path file = Path.of(args[1]).resolve("file");
            try (RandomAccessFile created = new RandomAccessFile(file.toFile(), "rw"))
            {
                created.setLength(LENGTH);
                created.write(new byte[LENGTH]);
            }
            if ("truncated".equals(args[0]))
            {
                try (MappedFile mapped = MappedFile.map(file, LENGTH, false))
                {
                    try (RandomAccessFile cut = new RandomAccessFile(file.toFile(), "rw"))
                    {
                        cut.setLength(PageTables.PAGE_SIZE);
                    }
                    System.out.println("POPULATED " + PageTables.tryPopulateWrite(mapped.address(), LENGTH));
                    mapped.preTouch();
                    PageTables.populateWrite(mapped.address(), LENGTH);
                }
            }
            else
            {
                try (MappedFile mapped = MappedFile.map(file, LENGTH, true))
                {
                    mapped.preTouch();
                }
            }
            System.out.println("END");
        }
    }
}
