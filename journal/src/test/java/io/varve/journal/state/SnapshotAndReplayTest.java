package io.varve.journal.state;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotAndReplayTest
{
    @TempDir
    Path dir;

    /** A tiny state: a running sum and count of the records' values. */
    private static final class Totals implements RecordHandler
    {
        long sum;
        long count;

        public void onRecord(final DirectBuffer buffer, final int offset, final int length, final long sequence,
            final long timestamp, final int type)
        {
            sum += buffer.getLong(offset, LITTLE_ENDIAN);
            count++;
        }

        UnsafeBuffer encode()
        {
            final UnsafeBuffer state = new UnsafeBuffer(new byte[16]);
            state.putLong(0, sum, LITTLE_ENDIAN);
            state.putLong(8, count, LITTLE_ENDIAN);
            return state;
        }

        void load(final DirectBuffer state, final int offset, final int length, final long nextSequence)
        {
            sum = state.getLong(offset, LITTLE_ENDIAN);
            count = state.getLong(offset + 8, LITTLE_ENDIAN);
        }
    }

    private long journalId;

    private void write(final int from, final int to)
    {
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
            for (int i = from; i < to; i++)
            {
                value.putLong(0, i * 3L, LITTLE_ENDIAN);
                journal.appender().append(value, 0, 8);
            }
            journalId = journal.metadata().journalId();
        }
    }

    @Test
    void shouldRecoverFromTheNewestSnapshotAndReplayOnlyTheTail()
    {
        write(0, 5000);
        final SnapshotStore store = new SnapshotStore(dir.resolve(JournalDirectoryLayout.SNAPSHOTS_DIRECTORY),
            journalId, 2);
        try (JournalReader reader = JournalReader.open(dir))
        {
            final Totals live = new Totals();
            assertEquals(5000, StateReplay.replay(reader, 0, live));
            store.write(5000, live.encode(), 0, 16);
        }
        write(5000, 8000);
        try (JournalReader reader = JournalReader.open(dir))
        {
            final Totals restarted = new Totals();
            final StateReplay.Result result = StateReplay.recover(reader, store, restarted::load, restarted);
            assertEquals(5000, result.snapshotSequence());
            assertEquals(3000, result.recordsReplayed(), "only the tail after the snapshot");
            assertEquals(8000, result.nextSequence());

            final Totals full = new Totals();
            StateReplay.replay(reader, 0, full);
            assertEquals(full.sum, restarted.sum);
            assertEquals(full.count, restarted.count);
        }
    }

    @Test
    void shouldSkipADamagedSnapshotAndKeepOnlyTheNewest() throws Exception
    {
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 42, 3);
        final UnsafeBuffer state = new UnsafeBuffer(new byte[100]);
        for (int i = 1; i <= 5; i++)
        {
            state.putLong(0, i, LITTLE_ENDIAN);
            store.write(i * 100L, state, 0, 100);
        }
        final List<Path> files = store.list();
        assertEquals(3, files.size(), "kept the newest three");
        assertEquals(500, store.loadNewest().nextSequence());

        try (RandomAccessFile newest = new RandomAccessFile(files.get(0).toFile(), "rw"))
        {
            newest.seek(80);
            newest.write(0x7f);
        }
        Files.writeString(dir.resolve("snapshots").resolve("snapshot-00000000000000000900.snap.tmp"), "torn");
        final Snapshot loaded = store.loadNewest();
        assertEquals(400, loaded.nextSequence(), "the damaged newest was skipped");
        assertEquals(4, loaded.state().getLong(0, LITTLE_ENDIAN));
        assertEquals(1, store.skipped().size());
        assertTrue(store.skipped().get(0).contains("snapshot checksum mismatch"), store.skipped().toString());
        assertTrue(Files.notExists(dir.resolve("snapshots").resolve("snapshot-00000000000000000900.snap.tmp")),
            "a temporary file left by a crash is removed");

        assertNull(new SnapshotStore(dir.resolve("snapshots"), 43, 3).loadNewest(), "another journal's snapshots");
    }
}
