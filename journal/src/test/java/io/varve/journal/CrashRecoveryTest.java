package io.varve.journal;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.recovery.VerifyReport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer in a child JVM is killed with SIGKILL mid-run, several times over; after each kill every record
 * covered by a returned sync() is intact, the torn tail is gone, and appending continues with the next sequence.
 */
class CrashRecoveryTest
{
    private static final int SEGMENT_LENGTH = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEverySyncedRecordWhenWriterIsKilled() throws Exception
    {
        long synced = 0;
        for (int cycle = 0; cycle < 4; cycle++)
        {
            final long acknowledged = killWriterAfterSomeSyncs(cycle);
            assertTrue(acknowledged >= synced, "acknowledged sequences only grow");
            synced = acknowledged;

            final long[] next = {0};
            final long records = FrameWalker.walk(dir, SEGMENT_LENGTH, PositionalMode.isOn(),
                (buffer, offset, length, sequence, timestamp, type, position) ->
                {
                    assertEquals(next[0]++, sequence);
                    assertTrue(ChildWriter.matches(buffer, offset, length, sequence), "record " + sequence);
                });
            assertTrue(records >= acknowledged, "cycle " + cycle + ": " + records + " records on disk but " +
                acknowledged + " were acknowledged by sync()");

            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            try (Journal journal = Journal.open(new JournalContext().directory(dir)))
            {
                assertEquals(records, journal.appender().nextSequence(), journal.recoveryReport().toString());
                final long sequence = journal.appender().nextSequence();
                ChildWriter.fill(payload, sequence);
                journal.appender().append(payload, 0, ChildWriter.payloadLength(sequence));
            }
            final VerifyReport report = new JournalVerifier(dir, Set.of()).verify();
            assertFalse(report.hasErrors(), report.findings().toString());
            assertTrue(report.findings().isEmpty(), "no torn tail left: " + report.findings());
            assertEquals(records + 1, report.records());
        }
    }

    @Test
    void shouldReadOnlyTheLastSegmentsTailAfterAKillOnTheWritersBootWhenAsked() throws Exception
    {
        final Process child = ChildJvm.start(ChildWriter.class, "unsynced", dir.toString(), "12");
        long synced = -1;
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("WRITTEN "))
            {
                if (line.startsWith("SYNCED "))
                {
                    synced = Long.parseLong(line.split(" ")[1]);
                }
            }
            assertTrue(line != null, "the child wrote 12 segments before it was killed");
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        final Path fullScanCopy = dir.resolveSibling(dir.getFileName() + "-full-scan");
        // the copy is made on this boot too, so it differs from the original only in how it is opened
        Files.createDirectories(fullScanCopy);
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, fullScanCopy.resolve(file.getFileName()));
            }
        }

        final RecoveryReport tailOnly;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).fullRecoveryScan(false)))
        {
            tailOnly = journal.recoveryReport();
            assertTrue(tailOnly.endPosition() > 12L * SEGMENT_LENGTH, tailOnly.toString());
            assertTrue(tailOnly.scannedBytes() <= SEGMENT_LENGTH, "only the last segment's tail: " + tailOnly);
            assertEquals(synced, journal.durablePosition(),
                "segments the dead writer never forced are not declared durable by reading their headers");
            final long end = journal.appender().sync();
            assertEquals(tailOnly.endPosition(), end);
            assertEquals(end, journal.durablePosition());
        }
        final RecoveryReport full;
        try (Journal journal = Journal.open(new JournalContext().directory(fullScanCopy)))
        {
            full = journal.recoveryReport();
            assertEquals(full.endPosition(), journal.durablePosition(), "a full scan forces what it checked");
        }
        assertTrue(full.scannedBytes() >= full.endPosition() - synced - SEGMENT_LENGTH, full.toString());
        assertEquals(full.endPosition(), tailOnly.endPosition(), "both ways find the same end");
        assertEquals(full.nextSequence(), tailOnly.nextSequence());
        for (final Path journalDir : new Path[]{ dir, fullScanCopy })
        {
            final long[] next = {0};
            final long records = FrameWalker.walk(journalDir, SEGMENT_LENGTH,
                (buffer, offset, length, sequence, timestamp, type, position) ->
                {
                    assertEquals(next[0]++, sequence);
                    assertTrue(ChildWriter.matches(buffer, offset, length, sequence), "record " + sequence);
                });
            assertEquals(tailOnly.nextSequence(), records);
            final VerifyReport report = new JournalVerifier(journalDir, Set.of()).verify();
            assertTrue(report.findings().isEmpty(), report.findings().toString());
        }
    }

    private long killWriterAfterSomeSyncs(final int cycle) throws Exception
    {
        final Process child = ChildJvm.start(ChildWriter.class, "crash", dir.toString(), Integer.toString(cycle));
        long acknowledged = 0;
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            final int syncsBeforeKill = 20 + ThreadLocalRandom.current().nextInt(200);
            for (int i = 0; i < syncsBeforeKill; i++)
            {
                final String line = out.readLine();
                if (line == null)
                {
                    break;
                }
                if (line.startsWith("SYNCED "))
                {
                    acknowledged = Long.parseLong(line.split(" ")[2]);
                }
            }
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(acknowledged > 0, "the child acknowledged nothing before the kill");
        return acknowledged;
    }
}
