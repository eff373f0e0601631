package io.varve.journal.storage;

import io.varve.journal.format.JournalDirectoryLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the journal's {@code repair.log}: the one place a gap in sequences is allowed. A repair that drops durable
 * records goes on above every sequence they had, in a new segment, and appends a line naming the gap:
 * <pre>
 *   2026-12-07T22:30:00Z repaired corruption: file=... offset=... reason='...' droppedRecords=110
 *       firstDroppedSequence=1202 lastDroppedSequence=1311 ... sequenceGap=1202..1311 gapSegmentBase=131072
 * </pre>
 * (one line). A segment whose base sequence jumps is accepted exactly when a line records that gap before that
 * segment; any other jump is damage.
 * <p>
 * Threading: static methods, no state.
 */
public final class RepairLog
{
    private RepairLog()
    {
    }

    /**
     * The words a repair log line uses for a gap before a segment.
     *
     * @param firstSkipped    first sequence never handed out.
     * @param lastSkipped     last sequence never handed out.
     * @param segmentBase     base position of the segment that goes on after the gap.
     * @return {@code sequenceGap=A..B gapSegmentBase=P}.
     */
    public static String gapText(final long firstSkipped, final long lastSkipped, final long segmentBase)
    {
        return "sequenceGap=" + firstSkipped + ".." + lastSkipped + " gapSegmentBase=" + segmentBase;
    }

    /**
     * Whether a repair recorded a gap before a segment.
     *
     * @param directory        of the journal.
     * @param segmentBase      base position of the segment whose base sequence jumps.
     * @param expectedSequence the sequence after the previous segment's last record.
     * @param baseSequence     the segment's base sequence.
     * @return true when the repair log records exactly that gap.
     */
    public static boolean recordsGap(
        final Path directory, final long segmentBase, final long expectedSequence, final long baseSequence)
    {
        if (baseSequence <= expectedSequence)
        {
            return false;
        }
        final Path file = directory.resolve(JournalDirectoryLayout.REPAIR_LOG_FILE);
        final List<String> lines;
        try
        {
            // decoded leniently: a line cut mid-character or bytes that are not UTF-8 (a torn append, an edit) must
            // not hide the gaps the other lines record, nor stop every reader of the journal
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read repair log: file=" + file + ": " +
                (AccessDenied.is(ex) ? "permission denied" : ex.toString()), ex);
        }
        final String gap = gapText(expectedSequence, baseSequence - 1, segmentBase);
        for (final String line : lines)
        {
            if (line.endsWith(" " + gap) || line.contains(" " + gap + " "))
            {
                return true;
            }
        }
        return false;
    }
}
