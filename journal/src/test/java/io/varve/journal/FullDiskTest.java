package io.varve.journal;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer in a child JVM under {@code ulimit -f}, so that allocating a segment fails as on a full disk: the writer
 * throws StorageSpaceException, the JVM does not crash, and every record written before stays readable.
 */
class FullDiskTest
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldThrowNotCrashWhenSegmentAllocationFailsAndKeepEarlierRecords() throws Exception
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

        // Existing files may be written but no file may grow beyond 512 KiB: the next segment cannot be allocated.
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.startWithFileSizeLimit(512 * 1024, ChildWriter.class, "fill", dir.toString()), 120);
        assertEquals(0, result.exitCode(), result.output());
        final String full = result.lines().stream().filter((l) -> l.startsWith("FULL ")).findFirst().orElseThrow(
            () -> new AssertionError("no StorageSpaceException: " + result.output()));
        assertTrue(full.contains("File too large"), full);
        assertTrue(full.contains(".seg") || full.contains(".idx"), "names the file: " + full);
        assertTrue(full.contains("requested="), full);
        // A positional writer meets the limit in a write into the segment it fills, and the write of a record shorter
        // than the one refused may still fit below the limit; a mapped writer meets it allocating the next segment.
        final boolean positional = new JournalContext().writeMode() == WriteMode.POSITIONAL;
        final boolean secondFit = result.lines().contains("UNEXPECTED append succeeded");
        assertTrue(result.lines().contains("STILL FULL") || (positional && secondFit), result.output());
        assertTrue(!positional || full.contains(".seg: position="), full);
        assertTrue(result.lines().contains("CLOSED"), result.output());
        final long appendedByChild = Long.parseLong(full.split(" ")[1]) + (secondFit ? 1 : 0);

        final long[] next = {0};
        final long records = FrameWalker.walk(dir, SEGMENT_LENGTH,
            (buffer, offset, length, sequence, timestamp, type, position) ->
            {
                assertEquals(next[0]++, sequence);
                // the child's second, 8-byte record carries no pattern
                assertTrue(ChildWriter.matches(buffer, offset, length, sequence) ||
                    (secondFit && sequence == 100 + appendedByChild - 1 && length == 8));
            });
        assertEquals(100 + appendedByChild, records, "every record written before the failure is readable");
        try (Stream<Path> files = Files.list(dir))
        {
            files.filter((p) -> p.toString().endsWith(".seg")).forEach((p) ->
                assertEquals(SEGMENT_LENGTH, p.toFile().length(), "no partial segment left behind: " + p));
        }
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(records, journal.appender().nextSequence(), "the journal reopens and continues");
            journal.appender().append(payload, 0, 8);
        }
    }

    @Test
    void shouldFailToCreateJournalCleanlyWhenFirstSegmentCannotBeAllocated() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.startWithFileSizeLimit(128 * 1024, ChildWriter.class, "open", dir.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("FAILED cannot allocate"), result.output());
        assertTrue(result.output().contains("File too large"), result.output());
        try (Stream<Path> files = Files.list(dir))
        {
            assertTrue(files.noneMatch((p) -> p.toString().endsWith(".seg")), "no partial segment left behind");
        }
    }
}
