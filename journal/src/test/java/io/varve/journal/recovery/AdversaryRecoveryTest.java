package io.varve.journal.recovery;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.RetentionPolicy;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damage found by hand against the journal: each test is one finding, with the files damaged as an adversary would.
 */
class AdversaryRecoveryTest
{
    private static final int SEGMENT_LENGTH = 65536;
    private static final int PAYLOAD = 100;
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    private long write(final int records)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                appender.append(payload, 0, PAYLOAD);
            }
            return appender.position();
        }
    }

    /** Deletes the segment holding the end of the journal (and the one allocated ahead) and returns its base. */
    private long deleteLastSegment(final long end) throws Exception
    {
        final long base = (end - 1) & -(long)SEGMENT_LENGTH;
        Files.delete(dir.resolve(JournalDirectoryLayout.segmentFileName(base)));
        Files.deleteIfExists(dir.resolve(JournalDirectoryLayout.segmentFileName(base + SEGMENT_LENGTH)));
        return base;
    }

    private List<Long> sequences()
    {
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir);
            Tailer tailer = reader.tailer())
        {
            while (tailer.poll((buffer, offset, length, sequence, timestamp, type) -> sequences.add(sequence), 256) > 0)
            {
                // read to the end
            }
        }
        return sequences;
    }

    @Test
    void shouldCountAndNeverReuseTheSequencesOfAMissingLastSegmentBelowTheDurablePosition() throws Exception
    {
        write(RECORDS);
        final long base = deleteLastSegment(write(0));

        final RecoveryReport plan = JournalRecovery.plan(dir);
        assertTrue(plan.corruptionRepaired(), plan.toString());
        assertTrue(plan.droppedRecords() > 0, plan.toString());
        assertEquals(RECORDS - 1, plan.lastDroppedSequence(), plan.toString());
        assertEquals(RECORDS, plan.nextSequence(), plan.toString());

        try (Journal journal = Journal.open(new JournalContext().directory(dir)
            .recoveryMode(RecoveryMode.TRUNCATE_CORRUPTION)))
        {
            assertEquals(RECORDS, journal.appender().nextSequence());
            journal.appender().append(new UnsafeBuffer(new byte[PAYLOAD]), 0, PAYLOAD);
        }
        final List<Long> after = sequences();
        assertEquals(RECORDS, after.get(after.size() - 1));
        assertTrue(Files.readString(dir.resolve("repair.log")).contains("gapSegmentBase=" + base));
    }

    @Test
    void shouldRefuseToEndATailerBeforeAMissingSegmentTheDurablePositionLiesIn() throws Exception
    {
        write(RECORDS);
        final long base = deleteLastSegment(write(0));
        try (JournalReader reader = JournalReader.open(dir);
            Tailer tailer = reader.tailer())
        {
            final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class, () ->
            {
                final long deadline = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() - deadline < 0)
                {
                    tailer.poll((buffer, offset, length, sequence, timestamp, type) -> { }, 256);
                }
            });
            assertEquals(dir.resolve(JournalDirectoryLayout.segmentFileName(base)), ex.file());
        }
    }

    @Test
    void shouldReportOldestSegmentsDeletedByHandThatRetentionNeverDeleted() throws Exception
    {
        write(RECORDS);
        Files.delete(dir.resolve(JournalDirectoryLayout.segmentFileName(0)));
        Files.delete(dir.resolve(JournalDirectoryLayout.indexFileName(0)));

        final JournalStructure structure = JournalStructure.check(dir, Set.of());
        assertTrue(structure.hasErrors(), structure.findings().toString());
        assertTrue(structure.findings().toString().contains("segment files missing before the first one"),
            structure.findings().toString());
        assertTrue(new JournalVerifier(dir, Set.of()).verify().hasErrors());

        final JournalCorruptionException refused = assertThrows(JournalCorruptionException.class,
            () -> Journal.open(new JournalContext().directory(dir)).close());
        assertTrue(refused.reason().contains("records 0.."), refused.reason());

        final RecoveryReport plan = JournalRecovery.plan(dir);
        assertTrue(plan.corruptionRepaired(), plan.toString());
        try (Journal journal = Journal.open(new JournalContext().directory(dir)
            .recoveryMode(RecoveryMode.TRUNCATE_CORRUPTION)))
        {
            assertEquals(RECORDS, journal.appender().nextSequence());
        }
        assertTrue(Files.readString(dir.resolve("repair.log")).contains("segment files missing before the first one"));
        assertFalse(JournalStructure.check(dir, Set.of()).hasErrors());
    }

    @Test
    void shouldFindNothingMissingAfterRetentionDeletesTheOldestSegments() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(2))))
        {
            final Appender appender = journal.appender();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.exists(dir.resolve(JournalDirectoryLayout.segmentFileName(0))) &&
                System.nanoTime() - deadline < 0)
            {
                appender.append(payload, 0, PAYLOAD);
            }
            assertFalse(Files.exists(dir.resolve(JournalDirectoryLayout.segmentFileName(0))));
        }
        final JournalStructure structure = JournalStructure.check(dir, Set.of());
        assertFalse(structure.hasErrors(), structure.findings().toString());
        assertFalse(new JournalVerifier(dir, Set.of()).verify().hasErrors());
        Journal.open(new JournalContext().directory(dir)).close();
    }

    @Test
    void shouldReadOnAcrossARecordedGapWhenTheRepairLogHoldsBytesThatAreNotUtf8() throws Exception
    {
        write(RECORDS);
        deleteLastSegment(write(0));
        try (Journal journal = Journal.open(new JournalContext().directory(dir)
            .recoveryMode(RecoveryMode.TRUNCATE_CORRUPTION)))
        {
            journal.appender().append(new UnsafeBuffer(new byte[PAYLOAD]), 0, PAYLOAD);
        }
        Files.write(dir.resolve("repair.log"), new byte[] {(byte)0xff, (byte)0xfe, 'x', '\n', (byte)0xe2, (byte)0x82},
            StandardOpenOption.APPEND);

        final List<Long> after = sequences();
        assertEquals(RECORDS, after.get(after.size() - 1));
        assertFalse(new JournalVerifier(dir, Set.of()).verify().hasErrors());
    }

    @Test
    void shouldFindNoErrorBesideAWriterWhoseRetentionDeletesSegmentsDuringTheCheck()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(2))))
        {
            final Appender appender = journal.appender();
            for (int round = 0; round < 300; round++)
            {
                for (int i = 0; i < 200; i++)
                {
                    appender.append(payload, 0, PAYLOAD);
                }
                final JournalStructure structure = JournalStructure.check(dir, Set.of());
                assertFalse(structure.hasErrors(), "round " + round + ": " + structure.findings());
            }
        }
    }
}
