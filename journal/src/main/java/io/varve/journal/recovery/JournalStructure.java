package io.varve.journal.recovery;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.format.TailerTableDescriptor;
import io.varve.journal.recovery.VerifyReport.Finding;
import io.varve.journal.recovery.VerifyReport.Severity;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import io.varve.journal.storage.SegmentFrames;
import io.varve.journal.storage.SegmentHeaderReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cheap structural check of a journal directory that {@code varve verify}, {@code dump}, {@code describe} and
 * {@code stat} share, so that they flag the same things: files that are not the journal's (an error) and files the
 * journal leaves behind and deletes on its next open (a note); the metadata file's identity and durable position; the
 * tailer table (every slot as {@link TailerTableDescriptor#validateSlot} allows); and the segment chain: names
 * aligned to the segment length, no gap, each header of this journal, the segment holding the durable position
 * present. It opens each segment through {@link SegmentFrames} and reads no frame: {@link JournalVerifier} reads
 * the frames of the segments listed here.
 * <p>
 * Its verdicts follow recovery's: damage below the durable position, and anything that makes opening refuse (a
 * foreign file, a segment name that is not a multiple of the segment length), is an {@link Severity#ERROR}; damage
 * beyond the durable position, which recovery truncates, a {@link Severity#WARNING}.
 * <p>
 * Threading: NOT threadsafe; one check at a time. Read-only, so it may run beside a writer.
 */
public final class JournalStructure
{
    /** A segment whose frames are to be read, and which is followed by more of the log. */
    public static final int SEALED = 0;
    /** The last started segment: its frames end at the first frame not yet written. */
    public static final int TAIL = 1;
    /** The segment allocated ahead of the writer, not started. */
    public static final int AHEAD = 2;
    /** A segment whose frames cannot be read (its header, its length): reported here. */
    public static final int UNREADABLE = 3;

    /**
     * Written by recovery beside the journal's files; known, never foreign.
     */
    static final String REPAIR_LOG = "repair.log";

    private static final int FIRST_FRAME = SegmentDescriptor.HEADER_LENGTH;

    private final Path directory;
    private final Set<String> allowedNames;
    private final List<Finding> general = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final List<Finding> trailing = new ArrayList<>();
    private List<Finding> target = general;
    private int segmentLength;
    private long journalId;
    private long durable = -1;
    private long firstPosition = -1;
    private long firstSequence = -1;
    private boolean metadataReadable;

    /**
     * One segment file at an aligned base, in position order.
     *
     * @param base     base position.
     * @param path     of the file.
     * @param role     {@link #SEALED}, {@link #TAIL}, {@link #AHEAD} or {@link #UNREADABLE}.
     * @param afterGap true when the segment before it in the chain is missing or unreadable: its base sequence
     *                 cannot be checked against the one before.
     * @param findings about this segment and a gap before it, in the order found.
     */
    public record Segment(long base, Path path, int role, boolean afterGap, List<Finding> findings)
    {
    }

    private JournalStructure(final Path directory, final Set<String> allowedNames)
    {
        this.directory = directory;
        this.allowedNames = allowedNames;
    }

    /**
     * Check a journal directory's structure.
     *
     * @param directory    of the journal.
     * @param allowedNames names besides the journal's own files that are not foreign.
     * @return what was found.
     * @throws io.varve.journal.JournalConfigurationException when the directory does not exist.
     */
    public static JournalStructure check(final Path directory, final Set<String> allowedNames)
    {
        final JournalStructure structure = new JournalStructure(directory, allowedNames);
        structure.run();
        return structure;
    }

    private void run()
    {
        final Set<String> known = new HashSet<>(allowedNames);
        known.add(REPAIR_LOG);
        known.add(JournalDirectoryLayout.METADATA_TEMPORARY_FILE);
        final JournalDirectory.Listing listing = new JournalDirectory(directory, Set.of()).list(known);
        for (final String name : listing.foreignNames())
        {
            add(Severity.ERROR, directory.resolve(name), -1,
                "foreign file in journal directory: not a segment, index or metadata file; opening refuses: " +
                "move it out of the journal directory");
        }
        checkLeftovers(listing);
        if (!MetadataFile.exists(directory))
        {
            add(Severity.ERROR, directory.resolve(JournalDirectoryLayout.METADATA_FILE), -1, "metadata file missing");
            return;
        }
        try (MetadataFile metadata = MetadataFile.open(directory, true))
        {
            segmentLength = metadata.segmentLength();
            journalId = metadata.journalId();
            if (metadata.hasValidDurableSlot())
            {
                durable = metadata.durablePositionFromSlots();
            }
            else
            {
                add(Severity.ERROR, metadata.path(), MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
                    "both durable position slots are damaged");
                durable = 0;
            }
            firstPosition = metadata.counterValue(JournalCounter.FIRST_POSITION);
            firstSequence = metadata.counterValue(JournalCounter.FIRST_SEQUENCE);
            checkTailerTable(metadata);
        }
        catch (final JournalCorruptionException ex)
        {
            add(Severity.ERROR, ex.file(), ex.offset(), ex.reason());
            return;
        }
        metadataReadable = true;
        checkSegments(listing.segmentBases());
    }

    /**
     * Whether the oldest segment files were deleted by something other than retention: retention moves the first
     * position counter up (and forces it) before it deletes, so a first segment file that starts above that position
     * means records below it went missing.
     *
     * @param firstPosition the first position counter in the metadata file.
     * @param firstSequence the first sequence counter in the metadata file.
     * @param firstBase     base of the first segment file there is.
     * @param firstSegment  path of that file.
     * @param segmentLength of the journal.
     * @return the reason, or null when nothing is missing.
     */
    static String headMissing(
        final long firstPosition,
        final long firstSequence,
        final long firstBase,
        final Path firstSegment,
        final int segmentLength)
    {
        if (firstPosition < FIRST_FRAME || (firstPosition & 7) != 0 || firstPosition >= firstBase + FIRST_FRAME)
        {
            return null;
        }
        final long baseSequence = SegmentHeaderReader.baseSequence(firstSegment);
        final String records = baseSequence > firstSequence && firstSequence >= 0 ?
            "records " + firstSequence + ".." + (baseSequence - 1) + " (" + (baseSequence - firstSequence) + ")" :
            "records from sequence " + firstSequence;
        final String firstName = JournalDirectoryLayout.segmentFileName(firstPosition & -(long)segmentLength);
        return "segment files missing before the first one: journal.meta says the journal starts at position " +
            firstPosition + " (segment " + firstName + ") but the first segment file is " + firstSegment.getFileName() +
            ": " + records + " are gone, and retention moves that position before it deletes";
    }

    /**
     * Deleting the oldest segments is retention, unless they held the durable position or lay at or above the first
     * position retention moved.
     *
     * @return true when segments before the first one are missing.
     */
    private boolean checkHead(final long firstBase)
    {
        final long durableBase = durable & -(long)segmentLength;
        if (durableBase < firstBase && durable > durableBase + FIRST_FRAME)
        {
            add(Severity.ERROR, segmentPath(durableBase), -1, "segment holding the durable position was deleted: " +
                "durablePosition=" + durable + " firstSegment=" + firstBase);
            return true;
        }
        final String missing = headMissing(firstPosition, firstSequence, firstBase, segmentPath(firstBase),
            segmentLength);
        if (missing != null)
        {
            add(Severity.ERROR, segmentPath(firstPosition & -(long)segmentLength), -1, missing +
                "; 'varve repair --apply " + directory + "' accepts the loss and records it in repair.log");
            return true;
        }
        return false;
    }

    private void checkLeftovers(final JournalDirectory.Listing listing)
    {
        final Path metadataTemporary = directory.resolve(JournalDirectoryLayout.METADATA_TEMPORARY_FILE);
        if (Files.exists(metadataTemporary))
        {
            add(Severity.NOTE, metadataTemporary, -1,
                "metadata file left half created by a writer that stopped: the next open deletes it");
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(
            directory, "*" + JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX))
        {
            for (final Path temporary : stream)
            {
                add(Severity.NOTE, temporary, -1,
                    "compaction temporary: a compaction is running, or one stopped; the next open deletes it");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list journal directory: directory=" + directory, ex);
        }
        for (final long indexBase : listing.indexBases())
        {
            if (Arrays.binarySearch(listing.segmentBases(), indexBase) < 0)
            {
                add(Severity.NOTE, directory.resolve(JournalDirectoryLayout.indexFileName(indexBase)), -1,
                    "index file without its segment: the next open deletes it");
            }
        }
    }

    private void checkTailerTable(final MetadataFile metadata)
    {
        final UnsafeBuffer table = metadata.tailerTable();
        for (int slot = 0; slot < TailerTableDescriptor.MAX_TAILERS; slot++)
        {
            final int offset = TailerTableDescriptor.slotOffset(slot);
            final String problem = TailerTableDescriptor.validateSlot(table, offset);
            if (problem != null)
            {
                add(Severity.ERROR, metadata.path(), MetadataDescriptor.TAILER_TABLE_OFFSET + offset,
                    "tailer table slot " + slot + " damaged: " + problem + "; if it names a tailer, delete the name " +
                    "with JournalReader.deleteTailerName and restart that consumer from a known position");
            }
        }
    }

    private void checkSegments(final long[] bases)
    {
        final List<Long> aligned = new ArrayList<>();
        for (final long base : bases)
        {
            if (base % segmentLength != 0)
            {
                add(Severity.ERROR, segmentPath(base), -1,
                    "foreign segment: name is not a multiple of the segment length: segmentLength=" + segmentLength +
                    "; opening refuses: move it out of the journal directory");
            }
            else
            {
                aligned.add(base);
            }
        }
        if (aligned.isEmpty())
        {
            if (durable > FIRST_FRAME + (durable & -(long)segmentLength))
            {
                add(Severity.ERROR, directory, -1, "no segment files but the durable position is " + durable);
            }
            return;
        }
        final int count = aligned.size();
        boolean afterGap = checkHead(aligned.get(0));
        final int[] states = new int[count];
        final String[] problems = new String[count];
        final long[] problemOffsets = new long[count];
        int tail = -1;
        final long[] truncatedLengths = new long[count];
        try (SegmentFrames frames =
            new SegmentFrames(directory, segmentLength, journalId, false, false).acceptTruncated(true))
        {
            for (int i = 0; i < count; i++)
            {
                states[i] = frames.open(aligned.get(i));
                problems[i] = frames.problem();
                problemOffsets[i] = frames.problemOffset();
                // a live segment cut short keeps the frames before the cut, as recovery keeps them: read it
                truncatedLengths[i] = states[i] == SegmentFrames.OPENED && frames.isTruncated() ? frames.limit() : -1;
                if (states[i] == SegmentFrames.OPENED)
                {
                    tail = i;
                }
            }
            for (int i = 0; i < count; i++)
            {
                final long base = aligned.get(i);
                final Path path = segmentPath(base);
                final List<Finding> own = new ArrayList<>();
                target = own;
                if (i > 0 && base != aligned.get(i - 1) + segmentLength)
                {
                    final long missing = aligned.get(i - 1) + segmentLength;
                    classify(segmentPath(missing), missing, -1, "segment file missing: the chain jumps from " +
                        aligned.get(i - 1) + " to " + base + " (" + (base - missing) / segmentLength + " missing)");
                    afterGap = true;
                }
                final int role = role(states[i], i, i == tail, i == count - 1, afterGap, base, path);
                if (states[i] == SegmentFrames.DAMAGED)
                {
                    classify(path, base, problemOffsets[i], problems[i]);
                }
                else if (truncatedLengths[i] >= 0)
                {
                    // judged where the cut is: below the durable position it took durable frames with it
                    classify(path, base + truncatedLengths[i], -1, "segment file truncated: length=" +
                        truncatedLengths[i] + " expected=" + segmentLength + "; the frames before the cut are kept");
                }
                segments.add(new Segment(base, path, role, afterGap, List.copyOf(own)));
                afterGap = role == UNREADABLE;
            }
        }
        target = trailing;
        final long end = aligned.get(count - 1) + segmentLength;
        if (durable > end + FIRST_FRAME)
        {
            // the last segment ended full and the one holding the durable position is not there
            add(Severity.ERROR, segmentPath(end), -1,
                "segment file missing: the log ends before the durable position " + durable);
        }
    }

    private int role(
        final int state,
        final int index,
        final boolean tail,
        final boolean last,
        final boolean afterGap,
        final long base,
        final Path path)
    {
        if (afterGap && state != SegmentFrames.MISSING && base + FIRST_FRAME >= durable && index > 0)
        {
            // recovery ends the journal at a gap and deletes what lies after it
            add(Severity.WARNING, path, -1, "segment not part of the chain: it follows a missing or unreadable " +
                "segment; the next open deletes it");
        }
        switch (state)
        {
            case SegmentFrames.OPENED:
                return tail ? TAIL : SEALED;
            case SegmentFrames.NOT_STARTED:
                if (last && !afterGap && base + FIRST_FRAME >= durable)
                {
                    final long size = path.toFile().length();
                    if (size < segmentLength)
                    {
                        // its allocation was cut short (a kill, a full disk): recovery deals with it on open
                        classify(path, base, -1, "segment file truncated: length=" + size + " expected=" +
                            segmentLength);
                    }
                    return AHEAD;
                }
                classify(path, base, 0, "segment never started: header is zero");
                return UNREADABLE;
            case SegmentFrames.MISSING:
                add(Severity.NOTE, path, -1, "segment file deleted while being checked (retention?)");
                return UNREADABLE;
            default:
                return UNREADABLE;
        }
    }

    private void classify(final Path file, final long position, final long offset, final String reason)
    {
        add(severity(position), file, offset, position < durable ? reason :
            reason + " (beyond the durable position " + durable + ": a torn, unsynced tail)");
    }

    /**
     * Recovery's rule: damage below the durable position lost durable data; beyond it, it is a torn tail.
     *
     * @param position of the damage.
     * @return {@link Severity#ERROR} below the durable position, else {@link Severity#WARNING}.
     */
    Severity severity(final long position)
    {
        return position < durable ? Severity.ERROR : Severity.WARNING;
    }

    private void add(final Severity severity, final Path file, final long offset, final String reason)
    {
        target.add(new Finding(severity, file, offset, reason));
    }

    private Path segmentPath(final long base)
    {
        return directory.resolve(JournalDirectoryLayout.segmentFileName(base));
    }

    /**
     * What was found: about the directory and the metadata file first, then about each segment in position order,
     * then about the end of the chain.
     *
     * @return errors, warnings and notes.
     */
    public List<Finding> findings()
    {
        final List<Finding> all = new ArrayList<>(general);
        for (final Segment segment : segments)
        {
            all.addAll(segment.findings());
        }
        all.addAll(trailing);
        return all;
    }

    /**
     * What was found about the directory and the metadata file, before any segment.
     *
     * @return errors, warnings and notes.
     */
    public List<Finding> generalFindings()
    {
        return List.copyOf(general);
    }

    /**
     * What was found about the end of the chain, after the last segment.
     *
     * @return errors.
     */
    public List<Finding> trailingFindings()
    {
        return List.copyOf(trailing);
    }

    /**
     * Whether anything is damaged below the durable position, or would make opening refuse.
     *
     * @return true when there is an error.
     */
    public boolean hasErrors()
    {
        for (final Finding finding : findings())
        {
            if (finding.severity() == Severity.ERROR)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the metadata file could be read, so that the segments were checked.
     *
     * @return true when it was.
     */
    public boolean metadataReadable()
    {
        return metadataReadable;
    }

    /**
     * The segment files at aligned bases, in position order, with what to do with each.
     *
     * @return the segments.
     */
    public List<Segment> segments()
    {
        return List.copyOf(segments);
    }

    /**
     * The journal's segment length.
     *
     * @return bytes, or 0 when the metadata file could not be read.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * The journal's id.
     *
     * @return the id, or 0 when the metadata file could not be read.
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * The durable position from the metadata file.
     *
     * @return the position, 0 when both slots are damaged, -1 when the metadata file could not be read.
     */
    public long durablePosition()
    {
        return durable;
    }

    /**
     * The journal's directory.
     *
     * @return the path.
     */
    public Path directory()
    {
        return directory;
    }
}
