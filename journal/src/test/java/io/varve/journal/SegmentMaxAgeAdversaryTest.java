package io.varve.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link JournalContext#segmentMaxAge(Duration)} at the far end of the range: a bound no journal lives to see must
 * behave as no bound.
 */
class SegmentMaxAgeAdversaryTest
{
    private static final int SEGMENT_LENGTH = 1 << 20;

    @TempDir
    Path dir;

    private long segmentsAfterAppending(final Duration maxAge) throws IOException
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .prepareAhead(false).segmentMaxAge(maxAge)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            for (int i = 0; i < 10; i++)
            {
                journal.appender().append(payload, 0, 8);
            }
            assertEquals(10, journal.appender().nextSequence());
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((file) -> file.getFileName().toString().endsWith(".seg")).count();
        }
    }

    /** Creation time + 250 years overflowed a long: every record rolled into a segment of its own. */
    @Test
    void shouldNotRollEveryRecordWhenTheBoundOverflowsTheDeadline() throws IOException
    {
        assertEquals(1, segmentsAfterAppending(Duration.ofDays(365L * 250)));
    }

    /** A bound beyond a long of nanoseconds failed the open with an ArithmeticException. */
    @Test
    void shouldOpenWithABoundBeyondALongOfNanoseconds() throws IOException
    {
        assertEquals(1, segmentsAfterAppending(ChronoUnit.FOREVER.getDuration()));
    }
}
