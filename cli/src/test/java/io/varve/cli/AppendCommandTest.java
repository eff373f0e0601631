package io.varve.cli;

import io.varve.journal.format.FrameWalker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppendCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAppendRecordsWhosePayloadIsTheSequenceThenThePatternAndContinueAJournal()
    {
        final CliRun first = CliRun.run("append", dir.toString(), "--count", "5000", "--size", "64",
            "--segment-size", "64k");
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("records/s"), first.out());
        assertTrue(first.out().contains("MB/s"), first.out());
        final CliRun second = CliRun.run("append", dir.toString(), "--count", "3000", "--size", "100",
            "--fsync", "every-record");
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains("sequences 5000..7999"), second.out());

        final long[] next = {0};
        final long records = FrameWalker.walk(dir, 65536, (buffer, offset, length, sequence, ts, type, position) ->
        {
            assertEquals(next[0]++, sequence);
            assertEquals(sequence < 5000 ? 64 : 100, length);
            assertEquals(sequence, buffer.getLong(offset, LITTLE_ENDIAN));
            for (int i = 8; i < length; i++)
            {
                assertEquals((byte)(i % AppendCommand.PATTERN_MODULUS), buffer.getByte(offset + i));
            }
        });
        assertEquals(8000, records);
    }

    @Test
    void shouldRejectBadArgumentsWithExitTwo()
    {
        assertEquals(2, CliRun.run("append", dir.toString(), "--count", "5", "--size", "4").exitCode());
        assertEquals(2, CliRun.run("append", dir.toString(), "--count", "5").exitCode());
        assertEquals(2, CliRun.run("append", dir.toString(), "--count", "5", "--size", "abc").exitCode());
        final CliRun badPolicy = CliRun.run("append", dir.toString(), "--count", "5", "--size", "8", "--fsync", "x");
        assertEquals(2, badPolicy.exitCode(), badPolicy.toString());
        assertTrue(badPolicy.err().contains("unknown fsync policy"), badPolicy.err());
        final CliRun badSegment = CliRun.run("append", dir.resolve("j").toString(), "--count", "5", "--size", "8",
            "--segment-size", "100000");
        assertEquals(2, badSegment.exitCode(), badSegment.toString());
        assertTrue(badSegment.err().contains("power of two"), badSegment.err());
    }
}
