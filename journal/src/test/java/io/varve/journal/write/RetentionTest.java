package io.varve.journal.write;

import io.varve.journal.ChildJvm;
import io.varve.journal.ChildTailer;
import io.varve.journal.ChildWriter;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.RetentionPolicy;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.read.TailerBehindRetentionException;
import io.varve.journal.recovery.JournalVerifier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    private void append(final Journal journal, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = journal.appender().nextSequence();
            ChildWriter.fill(payload, sequence);
            journal.appender().append(payload, 0, ChildWriter.payloadLength(sequence));
        }
    }

    private long directoryBytes() throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.mapToLong((p) -> p.toFile().length()).sum();
        }
    }

    private static void awaitRetention(final Journal journal, final int maxSegments) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (journal.metadata().counterValue(JournalCounter.SEGMENTS) > maxSegments && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
    }

    @Test
    void shouldKeepDiskUseBoundedWhileTheJournalGrowsPastRetentionForManyCycles() throws Exception
    {
        long maxBytes = 0;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(4))))
        {
            for (int cycle = 0; cycle < 40; cycle++)
            {
                append(journal, 500);
                awaitRetention(journal, 4);
                maxBytes = Math.max(maxBytes, directoryBytes());
            }
            final long first = journal.metadata().counterValue(JournalCounter.FIRST_SEQUENCE);
            assertTrue(first > 10_000, "retention moved the start: firstSequence=" + first);
            try (Tailer tailer = journal.tailer())
            {
                assertEquals(first, tailer.nextSequence(), "a new tailer starts at the first retained record");
            }
        }
        final long segmentFiles = SEGMENT_LENGTH + 4096;
        assertTrue(maxBytes <= 6 * segmentFiles + 80 * 1024 + 100,
            "disk use stayed within 4 segments, the prepared one and the metadata: max=" + maxBytes);
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(20_000, journal.appender().nextSequence(), "reopens after retention moved the start");
        }
        assertFalse(new JournalVerifier(dir, Set.of()).verify().hasErrors());
    }

    @Test
    void shouldDeleteByTotalSizeAndByAge() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxBytes(3L * SEGMENT_LENGTH))))
        {
            append(journal, 3000);
            awaitRetention(journal, 3);
            assertTrue(journal.metadata().counterValue(JournalCounter.SEGMENTS) <= 3);
        }
        final Path aged = dir.resolve("aged");
        final long longAgo = 946_684_800_000_000_000L;
        final long[] clock = {longAgo};
        try (Journal journal = Journal.open(new JournalContext().directory(aged).segmentLength(SEGMENT_LENGTH)
            .clock(() -> clock[0] += 1000).exactTimestamps(true)
            .retention(RetentionPolicy.unlimited().maxAge(Duration.ofDays(1)))))
        {
            append(journal, 3000);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (journal.metadata().counterValue(JournalCounter.SEGMENTS) > 1 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(1, journal.metadata().counterValue(JournalCounter.SEGMENTS),
                "every sealed segment is older than a day by this journal's clock; the active one stays");
        }
    }

    @Test
    void shouldTellASlowTailerHowFarBehindItFellOrSkipAhead() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(3))))
        {
            append(journal, 100);
            try (Tailer slow = journal.tailer("slow"); Tailer skipping = journal.reader().tailer(null, true, true))
            {
                assertEquals(10, slow.poll((b, o, l, s, t, ty) -> { }, 10));
                assertEquals(10, skipping.poll((b, o, l, s, t, ty) -> { }, 10));
                append(journal, 3000);
                awaitRetention(journal, 3);
                final TailerBehindRetentionException ex = assertThrows(TailerBehindRetentionException.class, () ->
                {
                    while (true)
                    {
                        slow.poll((b, o, l, s, t, ty) -> { }, 1000);
                        Thread.sleep(0, 100_000);
                    }
                });
                final long first = journal.metadata().counterValue(JournalCounter.FIRST_SEQUENCE);
                assertTrue(ex.getMessage().contains("name=slow"), ex.getMessage());
                assertTrue(ex.getMessage().contains("now starts at sequence=" + first), ex.getMessage());
                assertTrue(ex.recordsBehind() > 0);

                final long[] next = {-1};
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (next[0] < 3099 && System.nanoTime() < deadline)
                {
                    skipping.poll((b, o, l, s, t, ty) ->
                    {
                        assertTrue(s > next[0]);
                        next[0] = s;
                    }, 1000);
                }
                assertEquals(3099, next[0], "the skip-ahead tailer jumped to the first retained record and went on");
            }
            final TailerBehindRetentionException resume = assertThrows(TailerBehindRetentionException.class,
                () -> journal.tailer("slow"));
            assertTrue(resume.getMessage().contains("records behind"), resume.getMessage());
            try (Tailer skipped = journal.reader().tailer("slow", true, true))
            {
                assertEquals(journal.metadata().counterValue(JournalCounter.FIRST_SEQUENCE), skipped.nextSequence());
            }
        }
    }

    @Test
    void shouldReopenAfterRetentionDeletedSegmentsThatWereNeverSynced() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .fsyncPolicy(FsyncPolicy.NONE).retention(RetentionPolicy.unlimited().maxSegments(2))))
        {
            append(journal, 5000);
            awaitRetention(journal, 2);
            assertTrue(journal.durablePosition() >= journal.metadata().counterValue(JournalCounter.FIRST_POSITION),
                "the durable position moved to the first retained segment");
        }
        try (Journal journal = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(5000, journal.appender().nextSequence());
        }
    }

    @Test
    void shouldNeverDisturbATailerInAnotherProcessThatKeepsUp() throws Exception
    {
        final int records = 60_000;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(24))))
        {
            final Process child = ChildJvm.start(ChildTailer.class, "follow", dir.toString(),
                Integer.toString(records));
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine());
            try (JournalReader reader = JournalReader.open(dir))
            {
                for (int i = 0; i < records; i += 500)
                {
                    append(journal, 500);
                    // stay within 10 segments of the follower: retention keeps 24, so it never falls behind
                    while (journal.appender().position() - followerPosition(reader) > 10L * SEGMENT_LENGTH)
                    {
                        Thread.sleep(1);
                    }
                }
            }
            final String result = out.readLine();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            assertTrue(result.startsWith("DONE " + records), result);
            assertTrue(journal.metadata().counterValue(JournalCounter.FIRST_SEQUENCE) > 0, "retention ran");
            assertFalse(Files.exists(dir.resolve(JournalDirectoryLayout.segmentFileName(0))));
        }
    }

    private static long followerPosition(final JournalReader reader)
    {
        return reader.namedTailers().stream().filter((t) -> "follower".equals(t.name()))
            .mapToLong(io.varve.journal.read.NamedTailerInfo::position).findFirst().orElse(0);
    }
}
