package io.varve.stress.corruption;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.format.TailerTableDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What a damaged journal must look like to {@code varve verify}, to opening and to readers, worked out from the
 * format's rules (docs/FORMAT.md, recovery rules) and the map of the undamaged journal:
 * <ul>
 *     <li>the first damage in chain order is the first changed byte that a check covers: a segment header, a
 *     frame's length-to-end (a padding frame's header), the zero bytes after the end of the log, or a whole
 *     segment file (truncated, missing, swapped, foreign); alignment bytes and a padding frame's body are covered
 *     by nothing and damage nothing;</li>
 *     <li>it damages durable data when it lies below the durable position (a whole segment: when the durable
 *     position lies beyond that segment's first frame); then verify reports it, file and offset, and exits 1;</li>
 *     <li>the metadata file's identity and counter descriptors, its length and its existence are needed to read
 *     the journal at all: damage there is an error that no mode opens past;</li>
 *     <li>a tailer table slot left in a state no tailer writes (an unknown state; an active slot whose name length
 *     is not 1 to 56, whose position is below the first frame or not 8-byte aligned, or whose sequence is negative)
 *     would make a named tailer resume at a wrong place: verify reports the first such slot and exits 1, while
 *     opening and reading, which do not need the table, go on;</li>
 *     <li>index files, counter values, the rest of the tailer table and the error log are derived or advisory:
 *     never an error.</li>
 * </ul>
 */
final class Expectation
{
    /** No damage that a check covers. */
    static final long NONE = Long.MAX_VALUE;

    final long durablePosition;
    final long firstDamage;
    final boolean segmentLevel;
    final String errorFile;
    final long errorOffset;
    final boolean metadataUnreadable;
    final boolean slotsDamaged;
    final int readableFrom;
    final int readableTo;
    final boolean paddingOnly;
    int repairedFrom;
    int repairedTo;

    private Expectation(
        final long durablePosition,
        final long firstDamage,
        final boolean segmentLevel,
        final String errorFile,
        final long errorOffset,
        final boolean metadataUnreadable,
        final boolean slotsDamaged,
        final int readableFrom,
        final int readableTo,
        final boolean paddingOnly)
    {
        this.durablePosition = durablePosition;
        this.firstDamage = firstDamage;
        this.segmentLevel = segmentLevel;
        this.errorFile = errorFile;
        this.errorOffset = errorOffset;
        this.metadataUnreadable = metadataUnreadable;
        this.slotsDamaged = slotsDamaged;
        this.readableFrom = readableFrom;
        this.readableTo = readableTo;
        this.paddingOnly = paddingOnly;
        this.repairedFrom = readableFrom;
        this.repairedTo = readableTo;
    }

    boolean expectsError()
    {
        return errorFile != null;
    }

    public String toString()
    {
        return "expect{durable=" + durablePosition + " firstDamage=" + (firstDamage == NONE ? "none" : firstDamage) +
            (segmentLevel ? " (segment)" : "") + " error=" + (errorFile == null ? "none" : errorFile + " " +
            errorOffset) + (metadataUnreadable ? " metadataUnreadable" : "") + (slotsDamaged ? " slotsDamaged" : "") +
            " readable=[" + readableFrom + "," + readableTo + ")}";
    }

    static Expectation of(final FuzzJournal journal, final Damage damage)
    {
        final String meta = JournalDirectoryLayout.METADATA_FILE;
        final int records = journal.recordPositions.size();
        final byte[] metadata = damage.image.files().get(meta);
        if (metadata == null || metadata.length < MetadataDescriptor.FILE_LENGTH)
        {
            return new Expectation(-1, NONE, false, meta, -1, true, false, 0, records, false);
        }
        final byte[] original = journal.file(meta);
        if (changed(original, metadata, 0, MetadataDescriptor.WRITER_PID_OFFSET))
        {
            return new Expectation(-1, NONE, false, meta, 0, true, false, 0, records, false);
        }
        for (int counter = 0; counter < JournalCounter.values().length; counter++)
        {
            final int descriptor = MetadataDescriptor.COUNTERS_METADATA_OFFSET + counter * 512;
            if (changed(original, metadata, descriptor, Long.BYTES))
            {
                return new Expectation(-1, NONE, false, meta, MetadataDescriptor.COUNTERS_METADATA_OFFSET, true, false,
                    0, records, false);
            }
        }
        final long durable = FuzzJournal.durablePosition(metadata);
        if (durable < 0)
        {
            return new Expectation(-1, NONE, false, meta, MetadataDescriptor.DURABLE_SLOT_A_OFFSET, false, true, 0,
                records, false);
        }
        final int garbageSlot = firstGarbageTailerSlot(original, metadata);
        if (garbageSlot >= 0)
        {
            return new Expectation(durable, NONE, false, meta, garbageSlot, false, false, 0, records, false);
        }
        return ofSegments(journal, damage, durable);
    }

    private static int firstGarbageTailerSlot(final byte[] original, final byte[] metadata)
    {
        final ByteBuffer table = ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN);
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = MetadataDescriptor.TAILER_TABLE_OFFSET + slot * TailerTableDescriptor.SLOT_LENGTH;
            if (!changed(original, metadata, offset, TailerTableDescriptor.SLOT_LENGTH))
            {
                continue;
            }
            final int state = table.getInt(offset + TailerTableDescriptor.STATE_OFFSET);
            if (state == TailerTableDescriptor.STATE_FREE || state == TailerTableDescriptor.STATE_RESERVED)
            {
                continue;
            }
            final int nameLength = table.getInt(offset + TailerTableDescriptor.NAME_LENGTH_OFFSET);
            final long position = table.getLong(offset + TailerTableDescriptor.POSITION_OFFSET);
            final long sequence = table.getLong(offset + TailerTableDescriptor.SEQUENCE_OFFSET);
            if (state != TailerTableDescriptor.STATE_ACTIVE || nameLength < 1 ||
                nameLength > TailerTableDescriptor.MAX_NAME_LENGTH || position < SegmentDescriptor.HEADER_LENGTH ||
                position % 8 != 0 || sequence < 0)
            {
                return offset;
            }
        }
        return -1;
    }

    private static Expectation ofSegments(final FuzzJournal journal, final Damage damage, final long durable)
    {
        final int records = journal.recordPositions.size();
        final long[] bases = journal.startedBases;
        long first = NONE;
        boolean segmentLevel = false;
        long offset = -1;
        String file = null;
        for (final long base : bases)
        {
            final String name = JournalDirectoryLayout.segmentFileName(base);
            final byte[] before = journal.file(name);
            final byte[] after = damage.image.files().get(name);
            if (after != null && after.length < before.length && after.length >= SegmentDescriptor.HEADER_LENGTH &&
                !isSwappedOrForeign(damage, name))
            {
                // a live segment cut short: its frames before the cut are intact and kept; the first frame the cut
                // reaches is the damage (recovery names it; verify names the file, -1)
                final long cut = firstFrameBeyond(journal, base, after.length);
                if (cut == NONE)
                {
                    continue;
                }
                final Expectation expectation = new Expectation(durable, cut, true, cut < durable ? name : null, -1,
                    false, false, 0, journal.recordsBefore(cut), isPadding(journal, cut));
                return expectation;
            }
            if (after == null || after.length < before.length || isSwappedOrForeign(damage, name))
            {
                first = base;
                segmentLevel = true;
                file = name;
                offset = after == null || after.length < before.length ? -1 : 0;
                break;
            }
            final long damaged = firstSignificantChange(journal, base, before, after);
            if (damaged != NONE)
            {
                first = damaged;
                segmentLevel = damaged == base;
                file = name;
                offset = damaged - base;
                break;
            }
        }
        if (first == NONE)
        {
            return new Expectation(durable, NONE, false, null, -1, false, false, 0, records, false);
        }
        final boolean firstSegmentGone = damage.kind == Damage.Kind.DELETE && first == bases[0] && bases.length > 1;
        if (firstSegmentGone && durable >= bases[1])
        {
            // the oldest segment deleted below the journal's first position (retention moves that first): its
            // records are gone, an error; readers start at the next segment, and a repair keeps everything after it
            return new Expectation(durable, first, true, file, -1, false, false, journal.recordsBefore(bases[1]),
                records, false);
        }
        final boolean durableDamage = segmentLevel ? first + SegmentDescriptor.HEADER_LENGTH < durable :
            first < durable;
        final Expectation expectation = new Expectation(durable, first, segmentLevel, durableDamage ? file : null,
            offset, false, false, 0, journal.recordsBefore(first), isPadding(journal, first));
        if (firstSegmentGone)
        {
            // the segment holding the durable position is gone: repair starts the journal at the next segment
            expectation.repairedFrom = journal.recordsBefore(bases[1]);
            expectation.repairedTo = records;
        }
        return expectation;
    }

    /**
     * Position of the first frame of a segment that does not fit in a file cut to a length (a padding frame runs to
     * the segment's end), or {@link #NONE} when every frame fits.
     */
    private static long firstFrameBeyond(final FuzzJournal journal, final long base, final int length)
    {
        for (final FuzzJournal.Frame frame : journal.frames)
        {
            final long end = frame.padding() ? FuzzJournal.SEGMENT_LENGTH : frame.offset() + frame.length();
            if (frame.base() == base && end > length)
            {
                return frame.position();
            }
        }
        return NONE;
    }

    private static boolean isPadding(final FuzzJournal journal, final long position)
    {
        for (final FuzzJournal.Frame frame : journal.frames)
        {
            if (frame.position() == position)
            {
                return frame.padding();
            }
        }
        return false;
    }

    private static boolean isSwappedOrForeign(final Damage damage, final String name)
    {
        return (damage.kind == Damage.Kind.SWAP && (name.equals(damage.file) || name.equals(damage.otherFile))) ||
            (damage.kind == Damage.Kind.FOREIGN && name.equals(damage.file));
    }

    /**
     * The position of the first changed byte that a check covers in a started segment, or {@link #NONE}.
     */
    private static long firstSignificantChange(
        final FuzzJournal journal, final long base, final byte[] before, final byte[] after)
    {
        final int mismatch = Arrays.mismatch(before, after);
        if (mismatch < 0)
        {
            return NONE;
        }
        if (changed(before, after, 0, SegmentDescriptor.HEADER_LENGTH))
        {
            return base;
        }
        for (final FuzzJournal.Frame frame : journal.frames)
        {
            if (frame.base() == base && changed(before, after, frame.offset(), frame.significantEnd() - frame.offset()))
            {
                return frame.position();
            }
        }
        final long end = journal.endPosition;
        if (base == journal.lastStartedBase() && end - base < before.length &&
            changed(before, after, (int)(end - base), before.length - (int)(end - base)))
        {
            return end;
        }
        return NONE;
    }

    /**
     * Whether the frame (or segment header, at offset 0) at a place in a segment was damaged, for damage that spans
     * several frames: recovery starts from an index entry near the durable position and names the first damaged
     * frame it meets, which may come after the first damaged frame of all.
     */
    static boolean isDamagedFrame(final FuzzJournal journal, final Damage damage, final String file, final long offset)
    {
        final long base = JournalDirectoryLayout.parseBasePosition(file, JournalDirectoryLayout.SEGMENT_SUFFIX);
        final byte[] before = journal.files().get(file);
        final byte[] after = damage.image.files().get(file);
        if (base < 0 || before == null || after == null || after.length < before.length)
        {
            return base >= 0 && offset <= 0;
        }
        if (offset == 0)
        {
            return changed(before, after, 0, SegmentDescriptor.HEADER_LENGTH);
        }
        for (final FuzzJournal.Frame frame : journal.frames)
        {
            if (frame.base() == base && frame.offset() == offset)
            {
                return changed(before, after, frame.offset(), frame.significantEnd() - frame.offset());
            }
        }
        return false;
    }

    private static boolean changed(final byte[] before, final byte[] after, final int from, final int length)
    {
        return !Arrays.equals(before, from, from + length, after, from, from + length);
    }
}
