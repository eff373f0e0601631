package io.varve.stress.powerloss;

import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.stress.DirectorySnapshot;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Builds what a disk may hold after a power loss, as SQLite's crash tests and RocksDB's {@code DropUnsyncedData} do:
 * from the files as they were right after a sync ({@code synced}) and as they were at the moment of the loss
 * ({@code latest}), every 4 KiB page written in between is kept, dropped (its old contents) or garbage, chosen at
 * random per page. A file created after the sync may be missing altogether (its name never reached the disk) or
 * cut to a page boundary (its length never did).
 * <p>
 * Garbage stands for a page whose write-back was torn. In a segment it covers every byte of the page at or beyond
 * the durable position: a sector holding synced bytes is not rewritten with other values, so a torn write there
 * garbles what was written after the sync, as with a disk whose 4 KiB sectors are atomic. An index page may be
 * garbage throughout (derived data); with {@code rotIndexes} every index page may be garbage or zero, written after
 * the sync or not, since the writer never forces an active segment's index. In the metadata file garbage covers the
 * bytes that changed since the sync (counters, the largest frame started): its header keeps identity, durable slots
 * and writer fields in one sector, which the format relies on being written whole or not at all (that is what the
 * two durable slots assume). The metadata file gets another boot's id: a power loss reboots the host.
 */
final class PowerLossImage
{
    static final int PAGE = 4096;

    /** What happened to each changed page, for the figures. */
    static final class Tally
    {
        long kept;
        long dropped;
        long garbage;
        long missingFiles;
        long shortFiles;
    }

    private PowerLossImage()
    {
    }

    static DirectorySnapshot build(
        final DirectorySnapshot synced,
        final DirectorySnapshot latest,
        final long durablePosition,
        final int segmentLength,
        final boolean rotIndexes,
        final SplittableRandom random,
        final Tally tally)
    {
        final Map<String, byte[]> files = new TreeMap<>();
        for (final Map.Entry<String, byte[]> entry : latest.files().entrySet())
        {
            final String name = entry.getKey();
            final byte[] now = entry.getValue();
            final byte[] before = synced.files().get(name);
            if (before == null)
            {
                final int fate = random.nextInt(8);
                if (fate < 2)
                {
                    tally.missingFiles++;
                    continue;
                }
                final byte[] old = new byte[now.length];
                byte[] image = pages(name, old, now, durablePosition, segmentLength, false, random, tally);
                if (fate == 2)
                {
                    tally.shortFiles++;
                    image = Arrays.copyOf(image, PAGE * random.nextInt(image.length / PAGE + 1));
                }
                files.put(name, image);
            }
            else
            {
                files.put(name, pages(name, before, now, durablePosition, segmentLength, rotIndexes, random, tally));
            }
        }
        for (final Map.Entry<String, byte[]> entry : synced.files().entrySet())
        {
            files.putIfAbsent(entry.getKey(), entry.getValue().clone());
        }
        // a power loss reboots the host: recovery must not lean on the page cache (on the writer's own boot it bounds
        // the tail it clears by the largest frame the writer started)
        final DirectorySnapshot image = new DirectorySnapshot(files);
        image.rebootHost(random);
        return image;
    }

    private static byte[] pages(
        final String name,
        final byte[] before,
        final byte[] now,
        final long durablePosition,
        final int segmentLength,
        final boolean rotIndexes,
        final SplittableRandom random,
        final Tally tally)
    {
        final byte[] image = now.clone();
        final long segmentBase = JournalDirectoryLayout.parseBasePosition(name, JournalDirectoryLayout.SEGMENT_SUFFIX);
        final boolean index = name.endsWith(JournalDirectoryLayout.INDEX_SUFFIX);
        final int durableEnd = segmentBase < 0 ? 0 :
            (int)Math.max(0, Math.min(segmentLength, durablePosition - segmentBase));
        for (int page = 0; page < now.length; page += PAGE)
        {
            final int end = Math.min(now.length, page + PAGE);
            final boolean changed = page >= before.length ||
                !Arrays.equals(before, page, Math.min(end, before.length), now, page, end);
            if (!changed && !(index && rotIndexes && random.nextInt(3) == 0))
            {
                continue;
            }
            switch (random.nextInt(3))
            {
                case 0:
                    tally.kept++;
                    break;

                case 1:
                    tally.dropped++;
                    Arrays.fill(image, page, end, (byte)0);
                    if (page < before.length)
                    {
                        System.arraycopy(before, page, image, page, Math.min(end, before.length) - page);
                    }
                    break;

                default:
                    tally.garbage++;
                    for (int i = Math.max(page, durableEnd); i < end; i++)
                    {
                        if (segmentBase >= 0 || index || i >= before.length || before[i] != now[i])
                        {
                            image[i] = (byte)random.nextInt(256);
                        }
                    }
                    break;
            }
        }
        return image;
    }
}
