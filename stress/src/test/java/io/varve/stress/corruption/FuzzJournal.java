package io.varve.stress.corruption;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.write.Appender;
import io.varve.stress.DirectorySnapshot;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small journal captured as bytes, with the map of what every byte is, worked out from the format
 * (docs/FORMAT.md) and not from the journal's own readers: the oracle of the corruption fuzzer.
 */
final class FuzzJournal
{
    static final int SEGMENT_LENGTH = 64 * 1024;

    /** How far the journal was synced when it was captured. */
    enum Durability
    {
        /** Closed: everything durable. */
        ALL,
        /** The durable position inside the last segment. */
        IN_LAST_SEGMENT,
        /** The durable position in an earlier segment: whole segments are unsynced. */
        IN_EARLIER_SEGMENT
    }

    /**
     * One frame.
     *
     * @param base     of its segment.
     * @param offset   in its segment.
     * @param length   stored frame length.
     * @param padding  true for a padding frame.
     */
    record Frame(long base, int offset, int length, boolean padding)
    {
        long position()
        {
            return base + offset;
        }

        /** End of the bytes that the frame's checks cover. */
        int significantEnd()
        {
            return offset + (padding ? FrameDescriptor.HEADER_LENGTH : length);
        }
    }

    final RecordPattern pattern;
    final Durability durability;
    final DirectorySnapshot snapshot;
    final long[] startedBases;
    final long unstartedBase;
    final List<Frame> frames = new ArrayList<>();
    final LongArrayList recordPositions = new LongArrayList();
    final long endPosition;

    private FuzzJournal(
        final RecordPattern pattern, final Durability durability, final DirectorySnapshot snapshot)
    {
        this.pattern = pattern;
        this.durability = durability;
        this.snapshot = snapshot;
        final List<Long> started = new ArrayList<>();
        long unstarted = -1;
        for (final String name : snapshot.files().keySet())
        {
            final long base = JournalDirectoryLayout.parseBasePosition(name, JournalDirectoryLayout.SEGMENT_SUFFIX);
            if (base >= 0)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(snapshot.files().get(name));
                if (buffer.getLong(SegmentDescriptor.MAGIC_OFFSET) == 0)
                {
                    unstarted = base;
                }
                else
                {
                    started.add(base);
                }
            }
        }
        startedBases = started.stream().mapToLong(Long::longValue).sorted().toArray();
        unstartedBase = unstarted;
        long end = 0;
        for (final long base : startedBases)
        {
            end = walk(base);
        }
        endPosition = end;
    }

    private long walk(final long base)
    {
        final UnsafeBuffer segment = new UnsafeBuffer(file(JournalDirectoryLayout.segmentFileName(base)));
        int offset = SegmentDescriptor.HEADER_LENGTH;
        while (offset <= SEGMENT_LENGTH - FrameDescriptor.HEADER_LENGTH)
        {
            final int length = segment.getInt(offset + FrameDescriptor.LENGTH_OFFSET);
            if (length == 0)
            {
                break;
            }
            final boolean padding = FrameDescriptor.type(segment, offset) == FrameDescriptor.PADDING_TYPE;
            frames.add(new Frame(base, offset, length, padding));
            if (padding)
            {
                return base + SEGMENT_LENGTH;
            }
            recordPositions.addLong(base + offset);
            offset += FrameDescriptor.alignedLength(length);
        }
        return base + offset;
    }

    byte[] file(final String name)
    {
        return snapshot.files().get(name);
    }

    Map<String, byte[]> files()
    {
        return snapshot.files();
    }

    long lastStartedBase()
    {
        return startedBases[startedBases.length - 1];
    }

    /**
     * The durable position recorded in a metadata file's bytes, as FORMAT.md defines it: the newest valid slot.
     *
     * @return the position, or -1 when neither slot is valid.
     */
    static long durablePosition(final byte[] metadata)
    {
        if (metadata == null || metadata.length < MetadataDescriptor.HEADER_LENGTH)
        {
            return -1;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(metadata);
        final int slot = MetadataDescriptor.newestValidSlot(buffer);
        return slot < 0 ? -1 : MetadataDescriptor.slotPosition(buffer, slot);
    }

    long durablePosition()
    {
        return durablePosition(file(JournalDirectoryLayout.METADATA_FILE));
    }

    /**
     * Records whose frames start below a position.
     */
    int recordsBefore(final long position)
    {
        int count = 0;
        while (count < recordPositions.size() && recordPositions.getLong(count) < position)
        {
            count++;
        }
        return count;
    }

    /**
     * Write a journal of a few segments, sync it as far as asked, and capture it while its writer is idle: what a
     * crash at that moment would leave. Index entries every 1 KiB, so index files hold many entries.
     */
    static FuzzJournal build(final Path directory, final Durability durability, final SplittableRandom random)
    {
        final RecordPattern pattern = new RecordPattern(random.nextLong());
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        final int segments = 2 + random.nextInt(3);
        try (Journal journal = Journal.open(new JournalContext().directory(directory).segmentLength(SEGMENT_LENGTH)
            .indexInterval(1024).fsyncPolicy(FsyncPolicy.NONE)))
        {
            final Appender appender = journal.appender();
            final long target = (long)segments * SEGMENT_LENGTH - random.nextInt(SEGMENT_LENGTH / 2);
            final long syncAt = switch (durability)
            {
                case ALL -> Long.MAX_VALUE;
                case IN_LAST_SEGMENT -> target - SEGMENT_LENGTH / 4;
                case IN_EARLIER_SEGMENT -> target - SEGMENT_LENGTH - SEGMENT_LENGTH / 2;
            };
            boolean synced = false;
            while (appender.position() < target)
            {
                final long sequence = appender.nextSequence();
                pattern.fill(payload, 0, sequence);
                appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
                if (!synced && appender.position() >= syncAt)
                {
                    appender.sync();
                    synced = true;
                }
            }
            if (durability == Durability.ALL)
            {
                appender.sync();
            }
            awaitPreparedSegment(directory, appender.position());
            final DirectorySnapshot snapshot = DirectorySnapshot.of(directory);
            // damage to what is on the disk is read back after a reboot: on the writer's own boot a journal opened
            // with fullRecoveryScan(false) trusts the page cache (JournalRecoveryTest covers damage done there)
            snapshot.rebootHost(random);
            if (random.nextBoolean())
            {
                // as a crash before the background thread created the next segment leaves it
                final long next = (appender.position() & -(long)SEGMENT_LENGTH) + SEGMENT_LENGTH;
                snapshot.files().remove(JournalDirectoryLayout.segmentFileName(next));
                snapshot.files().remove(JournalDirectoryLayout.indexFileName(next));
            }
            return new FuzzJournal(pattern, durability, snapshot);
        }
    }

    private static void awaitPreparedSegment(final Path directory, final long position)
    {
        final long next = (position & -(long)SEGMENT_LENGTH) + SEGMENT_LENGTH;
        final Path file = directory.resolve(JournalDirectoryLayout.segmentFileName(next));
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (file.toFile().length() != SEGMENT_LENGTH && System.nanoTime() - deadline < 0)
        {
            Thread.onSpinWait();
        }
        try
        {
            Thread.sleep(5);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    static FuzzJournal build(final Durability durability, final SplittableRandom random)
    {
        final Path directory = StressSettings.memoryScratchDirectory("varve-fuzz-base-");
        try
        {
            return build(directory, durability, random);
        }
        finally
        {
            StressSettings.deleteTree(directory);
        }
    }
}
