package io.varve.journal.write;

import io.varve.journal.Journal;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalConfigurationException;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.varve.journal.format.JournalDirectoryLayout.segmentFileName;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two segment settings a user meets first: whether the next segment is prepared ahead (disk use) and the time
 * bound of a segment (daily files).
 */
class SegmentRollSettingsTest
{
    private static final int SEGMENT_LENGTH = 1 << 20;
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4096]);

    @Test
    void shouldPrepareTheNextSegmentAheadByDefault() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            journal.appender().append(payload, 0, 100);
            journal.appender().append(payload, 0, 100);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (segmentFiles().size() < 2 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(List.of(segmentFileName(0), segmentFileName(SEGMENT_LENGTH)), segmentFiles());
        }
    }

    @Test
    void shouldHoldOnlyStartedSegmentsWithoutPrepareAheadAndStillRoll() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .prepareAhead(false)))
        {
            final Appender appender = journal.appender();
            appender.append(payload, 0, 100);
            appender.append(payload, 0, 100);
            Thread.sleep(200);
            assertEquals(List.of(segmentFileName(0)), segmentFiles(), "no segment prepared ahead");

            final long records = 2L * SEGMENT_LENGTH / 1024;
            for (long i = 2; i < records; i++)
            {
                payload.putLong(0, i, LITTLE_ENDIAN);
                appender.append(payload, 0, 1000);
            }
            assertEquals(List.of(segmentFileName(0), segmentFileName(SEGMENT_LENGTH),
                segmentFileName(2L * SEGMENT_LENGTH)), segmentFiles(), "rolled twice, nothing ahead");
            try (Tailer tailer = journal.tailer())
            {
                final AtomicLong seen = new AtomicLong();
                while (tailer.poll((buffer, offset, length, sequence, timestamp, type) -> seen.incrementAndGet(),
                    1000) > 0)
                {
                    Thread.onSpinWait();
                }
                assertEquals(records, seen.get());
            }
        }
    }

    @Test
    void shouldRollASegmentOlderThanItsMaxAgeAtTheNextAppend()
    {
        final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(20_000));
        final Duration maxAge = Duration.ofHours(24);
        try (Journal journal = Journal.open(context(now, maxAge)))
        {
            final Appender appender = journal.appender();
            now.addAndGet(30 * HOUR);
            assertEquals(SegmentDescriptor.HEADER_LENGTH, appender.append(payload, 0, 64),
                "an empty segment never rolls: the first record goes into it");
            assertEquals(SEGMENT_LENGTH + SegmentDescriptor.HEADER_LENGTH, appender.append(payload, 0, 64),
                "the segment is 30 hours old and holds a record: the next record opens the next segment");
            now.addAndGet(23 * HOUR);
            appender.append(payload, 0, 64);
            assertEquals(1, appender.position() / SEGMENT_LENGTH, "23 hours: still the same segment");
        }

        now.addAndGet(2 * HOUR);
        try (Journal journal = Journal.open(context(now, maxAge)))
        {
            assertEquals(2L * SEGMENT_LENGTH + SegmentDescriptor.HEADER_LENGTH,
                journal.appender().append(payload, 0, 64), "the reopened journal's tail segment is 25 hours old");
            assertEquals(4, journal.appender().nextSequence());
            try (Tailer tailer = journal.tailer())
            {
                final List<Long> positions = new ArrayList<>();
                while (tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                    positions.add(sequence), 100) > 0)
                {
                    Thread.onSpinWait();
                }
                assertEquals(List.of(0L, 1L, 2L, 3L), positions, "padding skipped, every record read");
            }
        }
    }

    @Test
    void shouldRefuseANonPositiveMaxAge()
    {
        final JournalConfigurationException ex = assertThrows(JournalConfigurationException.class,
            () -> Journal.open(new JournalContext().directory(dir).segmentMaxAge(Duration.ZERO)));
        assertTrue(ex.getMessage().contains("segmentMaxAge=PT0S"), ex.getMessage());
    }

    @Test
    void shouldTakeTheSegmentSettingsFromSystemProperties()
    {
        try
        {
            System.setProperty(JournalConfiguration.SEGMENT_MAX_AGE_PROP_NAME, "P1D");
            System.setProperty(JournalConfiguration.PREPARE_AHEAD_PROP_NAME, "false");
            final JournalContext context = new JournalContext();
            assertEquals(Duration.ofDays(1), context.segmentMaxAge());
            assertEquals(false, context.prepareAhead());

            System.setProperty(JournalConfiguration.SEGMENT_MAX_AGE_PROP_NAME, "daily");
            final JournalConfigurationException ex =
                assertThrows(JournalConfigurationException.class, JournalContext::new);
            assertTrue(ex.getMessage().contains("varve.segment.max.age=daily"), ex.getMessage());
        }
        finally
        {
            System.clearProperty(JournalConfiguration.SEGMENT_MAX_AGE_PROP_NAME);
            System.clearProperty(JournalConfiguration.PREPARE_AHEAD_PROP_NAME);
        }
        assertEquals(null, new JournalContext().segmentMaxAge(), "none by default");
        assertEquals(true, new JournalContext().prepareAhead(), "ahead by default");
    }

    private JournalContext context(final AtomicLong now, final Duration maxAge)
    {
        return new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).exactTimestamps(true)
            .clock(now::get).segmentMaxAge(maxAge);
    }

    private List<String> segmentFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map((file) -> file.getFileName().toString())
                .filter((name) -> name.endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX)).sorted().toList();
        }
    }
}
