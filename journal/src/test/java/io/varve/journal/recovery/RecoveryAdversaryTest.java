package io.varve.journal.recovery;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Recovery of journals left in states a killed process leaves.
 */
class RecoveryAdversaryTest
{
    private static final int SEGMENT_LENGTH = 1 << 20;

    @TempDir
    Path dir;

    /**
     * A process killed while it created a journal's first segment (varve import-chronicle killed just after it
     * started, say) leaves a partly allocated segment file with no header and no index; the next open failed with
     * an ArrayIndexOutOfBoundsException from recovery.
     */
    @Test
    void shouldOpenAJournalWhoseFirstSegmentWasNeverCompleted() throws IOException
    {
        final JournalContext context = new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH);
        try (Journal journal = Journal.open(context))
        {
            assertEquals(0, journal.appender().nextSequence());
        }
        final Path segment = dir.resolve("00000000000000000000.seg");
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            channel.truncate(SEGMENT_LENGTH / 4);
            channel.write(ByteBuffer.allocate(4096), 0);
        }

        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            assertEquals(0, journal.appender().nextSequence());
            journal.appender().append(new UnsafeBuffer(new byte[8]), 0, 8);
            assertEquals(1, journal.appender().nextSequence());
        }
    }
}
