package io.varve.stress.corruption;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.stress.DirectorySnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One random act of damage to a captured journal: bits flipped, a range zeroed or randomised, a file truncated,
 * deleted, swapped with another segment or replaced by another journal's segment. Targets are spread over sealed
 * and active segments, the segment allocated ahead of the writer, index files and the metadata file, with offsets
 * biased towards frame headers, where a small change matters most.
 */
final class Damage
{
    enum Kind
    {
        FLIP, ZERO, RANDOMISE, TRUNCATE, DELETE, SWAP, FOREIGN
    }

    final Kind kind;
    final String file;
    final String otherFile;
    final int offset;
    final int length;
    final DirectorySnapshot image;

    private Damage(
        final Kind kind,
        final String file,
        final String otherFile,
        final int offset,
        final int length,
        final Map<String, byte[]> files)
    {
        this.kind = kind;
        this.file = file;
        this.otherFile = otherFile;
        this.offset = offset;
        this.length = length;
        this.image = new DirectorySnapshot(files);
    }

    public String toString()
    {
        return kind + " " + file + (otherFile != null ? " with " + otherFile : "") +
            (kind == Kind.DELETE || kind == Kind.SWAP || kind == Kind.FOREIGN ? "" :
            " offset=" + offset + (kind == Kind.TRUNCATE ? "" : " length=" + length));
    }

    static Damage random(final FuzzJournal journal, final List<FuzzJournal> others, final SplittableRandom random)
    {
        final int choice = random.nextInt(100);
        if (choice < 40)
        {
            return bytes(journal, pickStartedSegment(journal, random), random, true);
        }
        if (choice < 46 && journal.unstartedBase >= 0)
        {
            return bytes(journal, JournalDirectoryLayout.segmentFileName(journal.unstartedBase), random, false);
        }
        if (choice < 60)
        {
            return metadata(journal, random);
        }
        if (choice < 72)
        {
            final String index = JournalDirectoryLayout.indexFileName(
                journal.startedBases[random.nextInt(journal.startedBases.length)]);
            final int fate = random.nextInt(10);
            if (fate == 0)
            {
                return delete(journal, index);
            }
            if (fate == 1)
            {
                return truncate(journal, index, random);
            }
            return bytes(journal, index, random, false);
        }
        return fileLevel(journal, others, random);
    }

    private static String pickStartedSegment(final FuzzJournal journal, final SplittableRandom random)
    {
        final long base = random.nextBoolean() ? journal.lastStartedBase() :
            journal.startedBases[random.nextInt(journal.startedBases.length)];
        return JournalDirectoryLayout.segmentFileName(base);
    }

    private static Damage fileLevel(
        final FuzzJournal journal, final List<FuzzJournal> others, final SplittableRandom random)
    {
        final List<String> segments = new ArrayList<>();
        for (final long base : journal.startedBases)
        {
            segments.add(JournalDirectoryLayout.segmentFileName(base));
        }
        if (journal.unstartedBase >= 0)
        {
            segments.add(JournalDirectoryLayout.segmentFileName(journal.unstartedBase));
        }
        final String target = segments.get(random.nextInt(segments.size()));
        final int fate = random.nextInt(10);
        if (fate < 4)
        {
            return truncate(journal, target, random);
        }
        if (fate < 7)
        {
            return delete(journal, target);
        }
        if (fate < 9 && segments.size() > 1)
        {
            String other = target;
            while (other.equals(target))
            {
                other = segments.get(random.nextInt(segments.size()));
            }
            final Map<String, byte[]> files = copy(journal);
            files.put(target, journal.file(other).clone());
            files.put(other, journal.file(target).clone());
            return new Damage(Kind.SWAP, min(target, other), max(target, other), 0, 0, files);
        }
        for (final FuzzJournal other : others)
        {
            final byte[] foreign = other.files().get(target);
            if (other != journal && foreign != null &&
                new org.agrona.concurrent.UnsafeBuffer(foreign).getLong(SegmentDescriptor.MAGIC_OFFSET) != 0)
            {
                final Map<String, byte[]> files = copy(journal);
                files.put(target, foreign.clone());
                return new Damage(Kind.FOREIGN, target, null, 0, 0, files);
            }
        }
        return delete(journal, target);
    }

    private static Damage metadata(final FuzzJournal journal, final SplittableRandom random)
    {
        final String meta = JournalDirectoryLayout.METADATA_FILE;
        final int fate = random.nextInt(20);
        if (fate == 0)
        {
            return delete(journal, meta);
        }
        if (fate == 1)
        {
            return truncate(journal, meta, random);
        }
        final int[][] areas = {
            {0, MetadataDescriptor.WRITER_PID_OFFSET},
            {MetadataDescriptor.DURABLE_SLOT_A_OFFSET, MetadataDescriptor.DURABLE_SLOT_LENGTH},
            {MetadataDescriptor.DURABLE_SLOT_B_OFFSET, MetadataDescriptor.DURABLE_SLOT_LENGTH},
            {MetadataDescriptor.DURABLE_SLOT_A_OFFSET, MetadataDescriptor.DURABLE_SLOT_LENGTH * 2},
            {MetadataDescriptor.COUNTERS_METADATA_OFFSET, 16 * 512},
            {0, MetadataDescriptor.FILE_LENGTH},
        };
        final int[] area = areas[random.nextInt(areas.length)];
        final int at = area[0] + random.nextInt(area[1]);
        return change(journal, meta, at, random, 64);
    }

    private static Damage bytes(
        final FuzzJournal journal, final String file, final SplittableRandom random, final boolean aimAtFrames)
    {
        final byte[] bytes = journal.file(file);
        int at = random.nextInt(bytes.length);
        if (aimAtFrames && random.nextInt(3) != 0)
        {
            final long base = JournalDirectoryLayout.parseBasePosition(file, JournalDirectoryLayout.SEGMENT_SUFFIX);
            final List<FuzzJournal.Frame> frames = new ArrayList<>();
            for (final FuzzJournal.Frame frame : journal.frames)
            {
                if (frame.base() == base)
                {
                    frames.add(frame);
                }
            }
            if (random.nextInt(8) == 0 || frames.isEmpty())
            {
                at = random.nextInt(SegmentDescriptor.HEADER_LENGTH);
            }
            else
            {
                final FuzzJournal.Frame frame = frames.get(random.nextInt(frames.size()));
                final int within = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ?
                    FrameDescriptor.HEADER_LENGTH : Math.max(1, frame.length()));
                at = frame.offset() + within;
            }
        }
        if (aimAtFrames && random.nextInt(8) == 0)
        {
            // zero from here to the end of the file: a write-back that never happened, or a truncation sweep
            final Map<String, byte[]> files = copy(journal);
            Arrays.fill(files.get(file), at, bytes.length, (byte)0);
            return new Damage(Kind.ZERO, file, null, at, bytes.length - at, files);
        }
        return change(journal, file, at, random, 1 << random.nextInt(14));
    }

    private static Damage change(
        final FuzzJournal journal, final String file, final int at, final SplittableRandom random, final int maxLength)
    {
        final Map<String, byte[]> files = copy(journal);
        final byte[] bytes = files.get(file);
        final int choice = random.nextInt(4);
        if (choice < 2)
        {
            final int bits = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
            for (int i = 0; i < bits; i++)
            {
                bytes[at] ^= (byte)(1 << random.nextInt(8));
            }
            return new Damage(Kind.FLIP, file, null, at, 1, files);
        }
        final int length = Math.min(bytes.length - at, 1 + random.nextInt(maxLength));
        if (choice == 2)
        {
            Arrays.fill(bytes, at, at + length, (byte)0);
            return new Damage(Kind.ZERO, file, null, at, length, files);
        }
        for (int i = at; i < at + length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return new Damage(Kind.RANDOMISE, file, null, at, length, files);
    }

    private static Damage truncate(final FuzzJournal journal, final String file, final SplittableRandom random)
    {
        final Map<String, byte[]> files = copy(journal);
        final byte[] bytes = files.get(file);
        final int length = random.nextInt(4) == 0 ? random.nextInt(Math.min(bytes.length, 128)) :
            random.nextInt(bytes.length);
        files.put(file, Arrays.copyOf(bytes, length));
        return new Damage(Kind.TRUNCATE, file, null, length, 0, files);
    }

    private static Damage delete(final FuzzJournal journal, final String file)
    {
        final Map<String, byte[]> files = copy(journal);
        files.remove(file);
        return new Damage(Kind.DELETE, file, null, 0, 0, files);
    }

    private static Map<String, byte[]> copy(final FuzzJournal journal)
    {
        final Map<String, byte[]> files = new TreeMap<>();
        for (final Map.Entry<String, byte[]> entry : journal.files().entrySet())
        {
            files.put(entry.getKey(), entry.getValue().clone());
        }
        return files;
    }

    private static String min(final String a, final String b)
    {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(final String a, final String b)
    {
        return a.compareTo(b) <= 0 ? b : a;
    }
}
