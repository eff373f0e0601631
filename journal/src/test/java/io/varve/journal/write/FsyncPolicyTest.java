package io.varve.journal.write;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalFailedException;
import io.varve.journal.VarveException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.MetadataFile;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FsyncPolicyTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);

    @Test
    void shouldParseEveryPolicy()
    {
        assertEquals(FsyncPolicy.NONE, FsyncPolicy.parse("none"));
        assertEquals(FsyncPolicy.EVERY_RECORD, FsyncPolicy.parse("every-record"));
        assertEquals(FsyncPolicy.BATCH, FsyncPolicy.parse("batch"));
        assertEquals(FsyncPolicy.periodic(Duration.ofMillis(25)), FsyncPolicy.parse("periodic:25"));
        assertEquals("periodic:25", FsyncPolicy.parse("periodic:25").toString());
        assertThrows(VarveException.class, () -> FsyncPolicy.parse("sometimes"));
        assertThrows(VarveException.class, () -> FsyncPolicy.parse("periodic:x"));
    }

    @Test
    void shouldForceEveryRecordUnderEveryRecord()
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .fsyncPolicy(FsyncPolicy.EVERY_RECORD)))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < 2000; i++)
            {
                appender.append(payload, 0, 100);
                assertEquals(appender.position(), journal.durablePosition(), "record " + i + " durable on return");
            }
            assertTrue(journal.metadata().counterValue(JournalCounter.FSYNCS) >= 2000);
        }
    }

    @Test
    void shouldNotForceUntilSyncUnderNone() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .fsyncPolicy(FsyncPolicy.NONE)))
        {
            final Appender appender = journal.appender();
            final long start = journal.durablePosition();
            for (int i = 0; i < 3000; i++)
            {
                appender.append(payload, 0, 100);
            }
            Thread.sleep(50);
            assertEquals(start, journal.durablePosition(), "nothing forced without sync() under NONE");
            final long durable = appender.sync();
            assertEquals(appender.position(), durable);
            assertEquals(durable, journal.durablePosition());
            try (MetadataFile reader = MetadataFile.open(dir, true))
            {
                assertEquals(durable, reader.durablePositionFromSlots(), "recorded in the metadata file");
                assertEquals(durable, reader.counterValue(JournalCounter.DURABLE_POSITION));
            }
        }
    }

    @Test
    void shouldForcePeriodicallyFromTheBackground() throws Exception
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .fsyncPolicy(FsyncPolicy.periodic(Duration.ofMillis(5)))))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < 3000; i++)
            {
                appender.append(payload, 0, 100);
            }
            final long target = appender.position();
            final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (journal.durablePosition() < target && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(target, journal.durablePosition(), "the background thread forced without being asked");
        }
    }

    @Test
    void shouldForceSealedSegmentsBeforeTheDurablePositionPassesThem()
    {
        final List<String> forced = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .fsyncPolicy(FsyncPolicy.BATCH)
            .forceInterceptor((file, from, to) -> forced.add(file.getFileName() + ":" + from + "-" + to))))
        {
            final Appender appender = journal.appender();
            for (int i = 0; i < 2000; i++)
            {
                appender.append(payload, 0, 100);
            }
            appender.sync();
        }
        for (final long base : new long[]{ 0, 65536, 131072 })
        {
            final String name = JournalDirectoryLayout.segmentFileName(base);
            assertTrue(forced.stream().anyMatch((f) -> f.startsWith(name) && f.endsWith("-65536")),
                name + " forced to its end: " + forced);
        }
    }

    @Test
    void shouldFailTheJournalOnAFailedForceAndReportTheOriginalCauseEverAfter()
    {
        final AtomicBoolean failing = new AtomicBoolean();
        final IOException injected = new IOException("injected EIO");
        final Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)
            .fsyncPolicy(FsyncPolicy.NONE)
            .forceInterceptor((file, from, to) ->
            {
                if (failing.get())
                {
                    throw injected;
                }
            }));
        final Appender appender = journal.appender();
        appender.append(payload, 0, 100);
        final long durableBefore = appender.sync();
        appender.append(payload, 0, 100);
        failing.set(true);

        final JournalFailedException first = assertThrows(JournalFailedException.class, appender::sync);
        assertSame(injected, first.getCause().getCause());
        assertEquals(durableBefore, journal.durablePosition(), "nothing unforced became durable");
        failing.set(false);
        final JournalFailedException later = assertThrows(JournalFailedException.class,
            () -> appender.append(payload, 0, 100));
        assertSame(injected, later.getCause().getCause(), "the original cause, every time");
        assertThrows(JournalFailedException.class, appender::sync);
        assertTrue(journal.hasFailed());
        assertEquals(1, journal.metadata().counterValue(JournalCounter.ERRORS));
        journal.close();

        try (Journal reopened = Journal.open(new JournalContext().directory(dir)))
        {
            assertEquals(2, reopened.appender().nextSequence(), "recovery keeps what reached the page cache");
        }
    }
}
