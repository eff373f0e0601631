package io.varve.journal.read;

import io.varve.journal.ChildWriter;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RetentionPolicy;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.storage.PageTables;
import io.varve.journal.storage.SegmentHeaderReader;
import io.varve.journal.write.Appender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tailers of one reader share its segment mappings: counted on the reader's cache, over real files.
 */
class SharedMappingTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    private List<Long> append(final Appender appender, final int count)
    {
        final List<Long> positions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final long sequence = appender.nextSequence();
            ChildWriter.fill(payload, sequence);
            positions.add(appender.append(payload, 0, ChildWriter.payloadLength(sequence)));
        }
        return positions;
    }

    /**
     * Poll up to {@code limit} records, checking each is the next one expected and carries its payload.
     */
    private static int poll(final Tailer tailer, final long[] expected, final int limit)
    {
        return tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
        {
            assertEquals(expected[0], sequence);
            assertTrue(ChildWriter.matches((UnsafeBuffer)buffer, offset, length, sequence), "record " + sequence);
            expected[0]++;
        }, limit);
    }

    private static long drain(final Tailer tailer, final long[] expected)
    {
        long total = 0;
        int delivered;
        while ((delivered = poll(tailer, expected, 100)) > 0)
        {
            total += delivered;
        }
        return total;
    }

    private long segmentFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX))
                .count();
        }
    }

    @Test
    void shouldMapEachSegmentOnceForTwoTailersReadingSideBySide() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        final long files = segmentFiles();
        assertTrue(files > 2 * SegmentCache.KEPT_IDLE, "a journal longer than the kept mappings: files=" + files);
        try (JournalReader reader = JournalReader.open(dir); Tailer first = reader.tailer(); Tailer second =
            reader.tailer())
        {
            final long[] firstNext = {0};
            final long[] secondNext = {0};
            // the second tailer a segment or so behind the first
            assertEquals(200, poll(first, firstNext, 200));
            while (firstNext[0] < 2000 || secondNext[0] < 2000)
            {
                poll(first, firstNext, 30);
                poll(second, secondNext, 30);
            }
            assertEquals(0, poll(first, firstNext, 100));
            assertEquals(0, poll(second, secondNext, 100));
            // each file at most once (the last one, allocated ahead and never started, is mapped too): not twice
            final long created = reader.segments().mappingsCreated();
            assertTrue(created <= files, "mappings created=" + created + " for segment files=" + files);
            assertTrue(created >= files - 1, "mappings created=" + created + " for segment files=" + files);
        }
    }

    @Test
    void shouldLetASecondPassAndSeeksMapNothingNewWithinTheKeptSegments() throws Exception
    {
        final List<Long> positions;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            positions = append(journal.appender(), 400);
        }
        assertTrue(segmentFiles() <= SegmentCache.KEPT_IDLE, "files=" + segmentFiles());
        try (JournalReader reader = JournalReader.open(dir))
        {
            final long[] firstTimestamp = {0};
            try (Tailer first = reader.tailer())
            {
                assertEquals(1, first.poll((b, o, l, sequence, timestamp, ty) -> firstTimestamp[0] = timestamp, 1));
                assertEquals(399, drain(first, new long[]{1}));
            }
            final long afterFirstPass = reader.segments().mappingsCreated();
            assertTrue(afterFirstPass >= 2, "the journal spans segments: mappings=" + afterFirstPass);
            try (Tailer second = reader.tailer())
            {
                assertEquals(400, drain(second, new long[]{0}));
                second.seekToSequence(250);
                assertEquals(150, drain(second, new long[]{250}));
                second.seekToPosition(positions.get(17));
                assertEquals(383, drain(second, new long[]{17}));
                second.seekToTimestamp(firstTimestamp[0]);
                assertEquals(400, drain(second, new long[]{0}));
                second.seekToEnd();
                assertEquals(0, drain(second, new long[]{400}));
            }
            try (Tailer named = reader.tailer("resumes"))
            {
                assertEquals(400, drain(named, new long[]{0}));
            }
            assertEquals(afterFirstPass, reader.segments().mappingsCreated(), "a second pass and seeks remapped");
        }
    }

    @Test
    void shouldUnmapEverythingOnceTheTailersAndTheReaderAreClosed() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 2000);
        }
        final JournalReader reader = JournalReader.open(dir);
        final SegmentCache segments = reader.segments();
        final Tailer first = reader.tailer();
        final Tailer second = reader.tailer();
        assertEquals(2000, drain(first, new long[]{0}));
        assertEquals(300, poll(second, new long[]{0}, 300));
        assertTrue(segments.mappingsOpen() >= 2, "open=" + segments.mappingsOpen());
        assertTrue(segments.mappingsOpen() <= SegmentCache.KEPT_IDLE + 3, "kept bounded: " + segments.mappingsOpen());
        first.close();
        assertTrue(segments.mappingsOpen() <= SegmentCache.KEPT_IDLE + 1, "kept bounded: " + segments.mappingsOpen());
        reader.close();
        // closed out of order (the reader first): the segment the second tailer holds stays mapped until it lets go
        assertEquals(1, segments.mappingsOpen());
        second.close();
        assertEquals(0, segments.mappingsOpen());

        final SegmentCache again;
        try (JournalReader reader2 = JournalReader.open(dir))
        {
            again = reader2.segments();
            try (Tailer tailer = reader2.tailer())
            {
                assertEquals(2000, drain(tailer, new long[]{0}));
            }
            assertTrue(again.mappingsOpen() <= SegmentCache.KEPT_IDLE);
        }
        assertEquals(0, again.mappingsOpen());
    }

    @Test
    void shouldNotServeAFileCreatedAgainUnderTheSameName() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 400);
        }
        final Path other = dir.resolve("other");
        try (Journal journal = Journal.open(new JournalContext().directory(other).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 400);
        }
        final String name = JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH);
        try (JournalReader reader = JournalReader.open(dir))
        {
            try (Tailer first = reader.tailer())
            {
                assertEquals(400, drain(first, new long[]{0}));
            }
            final long created = reader.segments().mappingsCreated();
            // the second segment, mapped and kept by the reader, is deleted and created again with other contents
            Files.delete(dir.resolve(name));
            Files.copy(other.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            try (Tailer second = reader.tailer())
            {
                final long[] next = {0};
                final JournalCorruptionException ex = assertThrows(JournalCorruptionException.class,
                    () -> drain(second, next));
                assertTrue(ex.getMessage().contains("belongs to another journal"), ex.getMessage());
                assertEquals(dir.resolve(name), ex.file());
                assertTrue(next[0] > 0 && next[0] < 400, "read the first segment: next=" + next[0]);
            }
            assertEquals(created + 1, reader.segments().mappingsCreated(), "the new file was mapped");
        }
    }

    @Test
    void shouldKeepReadingASegmentRetentionDeletedWhileHeldThenReportTheTailerBehind() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .retention(RetentionPolicy.unlimited().maxSegments(3))))
        {
            append(journal.appender(), 100);
            final JournalReader reader = journal.reader();
            try (Tailer slow = reader.tailer(); Tailer keeper = reader.tailer())
            {
                final long[] slowNext = {0};
                assertEquals(10, poll(slow, slowNext, 10));
                assertEquals(100, drain(keeper, new long[]{0}));
                append(journal.appender(), 3000);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (journal.metadata().counterValue(JournalCounter.SEGMENTS) > 3 && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
                assertTrue(!Files.exists(dir.resolve(JournalDirectoryLayout.segmentFileName(0))), "retention ran");
                final TailerBehindRetentionException ex = assertThrows(TailerBehindRetentionException.class,
                    () -> drain(slow, slowNext));
                // the rest of the deleted first segment was still read, through the mapping both tailers held
                assertTrue(slowNext[0] > 10, "next=" + slowNext[0]);
                assertTrue(ex.recordsBehind() > 0 && ex.firstSequence() == slowNext[0] + ex.recordsBehind(),
                    ex.getMessage());
            }
            // both let go of the deleted segment: it is not kept mapped (its blocks would stay allocated)
            assertEquals(0, reader.segments().mappingsOpen());
            try (Tailer late = reader.tailer())
            {
                // starts at the first retained record: the deleted segments are not served from the cache
                final long first = late.nextSequence();
                assertEquals(journal.metadata().counterValue(JournalCounter.FIRST_SEQUENCE), first);
                assertEquals(3100 - first, drain(late, new long[]{first}));
            }
        }
    }

    @Test
    void shouldMapAndUseTheWritersPreparedNextSegmentBeforeItStarts() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)
            .prepareAhead(true)))
        {
            final Appender appender = journal.appender();
            final Path next = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
            final long[] expected = {0};
            try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
            {
                final SegmentCache segments = reader.segments();
                while (appender.position() < SEGMENT_LENGTH * 3L / 4)
                {
                    append(appender, 1);
                }
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((!Files.exists(next) || Files.size(next) != SEGMENT_LENGTH) && System.nanoTime() < deadline)
                {
                    Thread.sleep(1);
                }
                assertEquals(SEGMENT_LENGTH, Files.size(next), "the writer prepared the next segment ahead");
                assertEquals(0, SegmentHeaderReader.read(next).getLong(SegmentDescriptor.MAGIC_OFFSET), "not started");
                final long before = segments.mappingsCreated();
                // at the live edge past half the segment: the tailer maps the prepared file
                drain(tailer, expected);
                assertEquals(0, SegmentHeaderReader.read(next).getLong(SegmentDescriptor.MAGIC_OFFSET), "not started");
                assertEquals(before + 1, segments.mappingsCreated(), "the prepared next segment was mapped");
                final long afterPrepare = segments.mappingsCreated();
                // into the first quarter of the next segment, so the tailer has no reason to prepare another
                while (appender.position() < SEGMENT_LENGTH * 5L / 4)
                {
                    append(appender, 1);
                }
                final long target = appender.nextSequence();
                final long rollDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (expected[0] < target && System.nanoTime() < rollDeadline)
                {
                    poll(tailer, expected, 100);
                }
                assertEquals(target, expected[0]);
                assertEquals(SEGMENT_LENGTH, tailer.position() & -SEGMENT_LENGTH, "rolled into the next segment");
                assertEquals(afterPrepare, segments.mappingsCreated(), "the roll read the prepared mapping");
            }
        }
    }

    @Test
    void shouldReadTheNextSegmentWhenItsPreparedFileIsCreatedAgainBeforeTheRoll() throws Exception
    {
        final Path next = dir.resolve(JournalDirectoryLayout.segmentFileName(SEGMENT_LENGTH));
        final long[] expected = {0};
        Journal journal = Journal.open(
            new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).prepareAhead(true));
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            while (journal.appender().position() < SEGMENT_LENGTH * 3L / 4)
            {
                append(journal.appender(), 1);
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!Files.exists(next) || Files.size(next) != SEGMENT_LENGTH) && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            final long before = reader.segments().mappingsCreated();
            drain(tailer, expected);
            assertEquals(before + 1, reader.segments().mappingsCreated(), "the prepared next segment was mapped");
            journal.close();
            if (Files.exists(next))
            {
                // the same bytes in a new file under the same name: the mapping the tailer holds is of the old one
                final Path copy = dir.resolve("copy.tmp");
                Files.copy(next, copy);
                Files.delete(next);
                Files.move(copy, next);
            }
            journal = Journal.open(
                new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH).prepareAhead(true));
            while (journal.appender().position() < SEGMENT_LENGTH * 5L / 4)
            {
                append(journal.appender(), 1);
            }
            final long target = journal.appender().nextSequence();
            final long rollDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (expected[0] < target && System.nanoTime() < rollDeadline)
            {
                poll(tailer, expected, 100);
            }
            assertEquals(target, expected[0], "the tailer read on into the file created again");
            assertEquals(SEGMENT_LENGTH, tailer.position() & -SEGMENT_LENGTH);
        }
        finally
        {
            journal.close();
        }
    }

    /**
     * A thread that reads a journal to its end with a tailer, then laps it from the start three times, checking every
     * record, and closes the tailer.
     */
    private static Thread follow(
        final Tailer tailer, final long[] next, final int records, final AtomicReference<Throwable> failure,
        final String name)
    {
        return new Thread(() ->
        {
            try (Tailer own = tailer)
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (next[0] < records && System.nanoTime() < deadline && failure.get() == null)
                {
                    if (poll(own, next, 64) == 0)
                    {
                        Thread.yield();
                    }
                }
                // then laps over the whole journal, both threads checking every frame of the same mappings
                for (int lap = 0; lap < 3 && failure.get() == null; lap++)
                {
                    final long[] again = {0};
                    own.seekToStart();
                    while (poll(own, again, 64) > 0)
                    {
                        Thread.onSpinWait();
                    }
                    assertEquals(records, again[0]);
                }
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        }, name);
    }

    @Test
    void shouldShareMappingsBetweenTailersOnThreadsWhileTheWriterRollsAndOthersSeek() throws Exception
    {
        final int records = 20_000;
        final SegmentCache segments;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH));
            JournalReader reader = JournalReader.open(dir))
        {
            segments = reader.segments();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicBoolean writing = new AtomicBoolean(true);
            final AtomicLong appended = new AtomicLong();
            final List<Thread> threads = new ArrayList<>();
            final long[][] reached = new long[2][1];
            for (int t = 0; t < 2; t++)
            {
                final long[] next = reached[t];
                threads.add(follow(reader.tailer(), next, records, failure, "tailer-" + t));
            }
            threads.add(new Thread(() ->
            {
                try
                {
                    while (writing.get() && failure.get() == null)
                    {
                        try (Tailer seeker = reader.tailer())
                        {
                            final long upTo = appended.get();
                            if (upTo > 0)
                            {
                                final long sequence = ThreadLocalRandom.current().nextLong(upTo);
                                seeker.seekToSequence(sequence);
                                assertEquals(1, poll(seeker, new long[]{sequence}, 1));
                            }
                            seeker.seekToEnd();
                            assertTrue(seeker.nextSequence() >= upTo);
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "seeker"));
            threads.forEach(Thread::start);
            final Appender appender = journal.appender();
            for (int i = 0; i < records; i++)
            {
                append(appender, 1);
                appended.set(appender.nextSequence());
                if (i % 100 == 0)
                {
                    // let the tailers catch up now and then, so they roll with the writer, not only behind it
                    LockSupport.parkNanos(100_000);
                }
            }
            for (int t = 0; t < 2; t++)
            {
                threads.get(t).join(TimeUnit.SECONDS.toMillis(90));
            }
            writing.set(false);
            threads.get(2).join(TimeUnit.SECONDS.toMillis(30));
            if (failure.get() != null)
            {
                throw new AssertionError("a reader thread failed", failure.get());
            }
            assertEquals(records, reached[0][0]);
            assertEquals(records, reached[1][0]);
            assertTrue(segmentFiles() > 2 * SegmentCache.KEPT_IDLE, "the writer rolled many times");
            assertTrue(segments.mappingsOpen() <= SegmentCache.KEPT_IDLE,
                "closed tailers hold nothing: open=" + segments.mappingsOpen());
        }
        assertEquals(0, segments.mappingsOpen());
    }

    @Test
    void shouldPopulateOnlyWhatATailerIsAboutToRead() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH)))
        {
            append(journal.appender(), 100);
        }
        try (JournalReader reader = JournalReader.open(dir))
        {
            final SegmentCache segments = reader.segments();
            final int end;
            try (Tailer atEnd = reader.tailer().seekToEnd())
            {
                end = (int)atEnd.position();
                assertTrue(end > 2 * PageTables.PAGE_SIZE, "end=" + end);
                assertEquals(0, atEnd.poll((b, o, l, sq, t, ty) -> { }, 10));
            }
            final MappedSegment first = segments.acquireIfStarted(0);
            try
            {
                // a tailer that sought to the end populated from the end on, not the records behind it
                assertEquals(end & -PageTables.PAGE_SIZE, populatedFrom(segments, first));
                try (Tailer fromStart = reader.tailer())
                {
                    assertEquals(100, drain(fromStart, new long[]{0}));
                }
                assertEquals(0, populatedFrom(segments, first));
            }
            finally
            {
                segments.release(first);
            }
        }
    }

    @Test
    void shouldPopulateAWindowAheadInTheWritersSegmentAndAllOfAFinishedOne()
    {
        final int segmentLength = 4 * SegmentCache.POPULATE_WINDOW;
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(segmentLength)))
        {
            final JournalReader reader = journal.reader();
            final SegmentCache segments = reader.segments();
            append(journal.appender(), 100);
            try (Tailer live = reader.tailer())
            {
                assertEquals(100, drain(live, new long[]{0}));
                final MappedSegment first = segments.acquireIfStarted(0);
                // the writer is in this segment: a window ahead of the tailer, not the whole segment
                assertEquals(0, populatedFrom(segments, first));
                assertEquals(SegmentCache.POPULATE_WINDOW, populatedTo(segments, first));
                final UnsafeBuffer big = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
                while (journal.appender().position() < segmentLength + 1000)
                {
                    journal.appender().append(big, 0, big.capacity());
                }
                try (Tailer behind = reader.tailer())
                {
                    // the writer has finished the first segment: a tailer reading it populates all of it
                    assertEquals(1, behind.poll((b, o, l, sq, t, ty) -> { }, 1));
                    assertEquals(segmentLength, populatedTo(segments, first));
                }
                segments.release(first);
            }
        }
    }

    private static int populatedTo(final SegmentCache segments, final MappedSegment segment)
    {
        synchronized (segments)
        {
            return segment.populatedTo;
        }
    }

    private static int populatedFrom(final SegmentCache segments, final MappedSegment segment)
    {
        synchronized (segments)
        {
            return segment.populatedFrom;
        }
    }
}
