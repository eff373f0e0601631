package io.varve.journal.write;

import io.varve.journal.Journal;
import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalContext;
import io.varve.journal.RecordTooLargeException;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.VerifyReport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppenderTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);

    @Test
    void shouldRejectAppendAfterClose()
    {
        final Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536));
        final Appender appender = journal.appender();
        appender.append(payload, 0, 16);
        journal.close();
        final JournalClosedException ex = assertThrows(
            JournalClosedException.class, () -> appender.append(payload, 0, 16));
        assertTrue(ex.getMessage().contains(dir.toString()), ex.getMessage());
        assertThrows(JournalClosedException.class, () -> appender.claim(16, 0));
        assertThrows(JournalClosedException.class, appender::sync);
    }

    @Test
    void shouldRejectOversizedRecordNamingSizeAndLimitAndWriteNothing()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .maxRecordLength(1000)))
        {
            final Appender appender = journal.appender();
            final long position = appender.position();
            final RecordTooLargeException ex = assertThrows(
                RecordTooLargeException.class, () -> appender.append(payload, 0, 1001));
            assertTrue(ex.getMessage().contains("length=1001"), ex.getMessage());
            assertTrue(ex.getMessage().contains("maxRecordLength=1000"), ex.getMessage());
            assertThrows(RecordTooLargeException.class, () -> appender.claim(5000, 0));
            assertEquals(position, appender.position(), "nothing was written");
            assertEquals(0, appender.nextSequence());
            appender.append(payload, 0, 1000);
            assertEquals(1, appender.nextSequence());
        }
    }

    @Test
    void shouldCapRecordLengthAtWhatASegmentHolds()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Appender appender = journal.appender();
            final int max = SegmentDescriptor.maxPayloadLength(65536);
            assertEquals(max, appender.maxRecordLength());
            appender.append(payload, 0, 100);
            appender.append(payload, 0, max);
            appender.append(payload, 0, max);
            assertThrows(RecordTooLargeException.class, () -> appender.append(payload, 0, max + 1));
            assertEquals(3, appender.nextSequence());
        }
    }

    @Test
    void shouldRejectNegativeTypeAndUnknownFlags()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Appender appender = journal.appender();
            assertThrows(IllegalArgumentException.class, () -> appender.append(payload, 0, 8, -1));
            assertThrows(IllegalArgumentException.class,
                () -> appender.append(payload, 0, 8, 1, 0, FrameDescriptor.FLAG_UNCHECKED, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> appender.append(payload, 0, 8, 1, 0, 0, 9, 0));
            assertEquals(0, appender.nextSequence());
        }
    }

    @Test
    void shouldRejectAppendWhileAClaimIsOpen()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Appender appender = journal.appender();
            final RecordClaim claim = appender.claim(8, 0);
            assertThrows(IllegalStateException.class, () -> appender.append(payload, 0, 8));
            claim.commit();
            assertThrows(IllegalStateException.class, claim::commit);
            appender.append(payload, 0, 8);
            assertEquals(2, appender.nextSequence());
        }
    }

    @Test
    void shouldCommitOnlyThePartOfAClaimThatWasWrittenAndZeroTheRest()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Appender appender = journal.appender();
            final RecordClaim claim = appender.claim(256, 7);
            for (int i = 0; i < 256; i++)
            {
                claim.buffer().putByte(i, (byte)0x5A);
            }
            assertThrows(IllegalArgumentException.class, () -> claim.commit(257));
            final long first = claim.commit(10);
            final long second = appender.append(payload, 0, 4, 3);
            assertEquals(FrameDescriptor.alignedLength(FrameDescriptor.HEADER_LENGTH + 10), second - first,
                "the next record starts right after the shortened frame");
            assertEquals(2, appender.nextSequence());
            appender.sync();

            final List<Integer> lengths = new ArrayList<>();
            try (JournalReader reader = JournalReader.open(dir);
                Tailer tailer = reader.tailer())
            {
                tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    lengths.add(length);
                    if (type == 7)
                    {
                        for (int i = 0; i < length; i++)
                        {
                            assertEquals((byte)0x5A, buffer.getByte(offset + i));
                        }
                    }
                }, 10);
            }
            assertEquals(List.of(10, 4), lengths);
        }
        final VerifyReport report =
            new JournalVerifier(dir, Set.of()).verify();
        assertTrue(!report.hasErrors() && report.findings().isEmpty(), report.findings().toString());
        assertEquals(2, report.records());
    }

    @Test
    void shouldPrepareTheNextSegmentBeforeTheWriterNeedsIt() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            journal.appender().append(payload, 0, 8);
            final Path next = dir.resolve(JournalDirectoryLayout.segmentFileName(65536));
            final long deadline = System.currentTimeMillis() + 10_000;
            final Path nextIndex = dir.resolve(JournalDirectoryLayout.indexFileName(65536));
            while (!(Files.exists(next) && Files.size(next) == 65536 && Files.exists(nextIndex)) &&
                System.currentTimeMillis() < deadline)
            {
                Thread.sleep(5);
            }
            assertTrue(Files.exists(nextIndex));
            assertEquals(65536, Files.size(next), "next segment allocated ahead of the roll");
        }
    }
}
