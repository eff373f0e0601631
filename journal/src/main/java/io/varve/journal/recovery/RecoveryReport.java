package io.varve.journal.recovery;

import io.varve.journal.storage.RepairLog;
import io.varve.journal.format.SegmentDescriptor;

import java.nio.file.Path;
import java.util.List;

/**
 * What recovery found and did when a writer opened the journal, or what a repair would do ({@link #planOnly()}).
 *
 * @param durablePositionBefore durable position recorded in the metadata file.
 * @param endPosition           where the recovered journal ends: the next frame goes here.
 * @param nextSequence          sequence of the next record. After a repair that dropped durable records it is above
 *                              every sequence known to have been handed out, so none is handed out twice; the gap
 *                              from {@link #firstDroppedSequence()} lies at a segment boundary and is named in
 *                              {@link #repairLog()}.
 * @param droppedRecords        records dropped: those recovery read or walked past beyond the damage, or the range of
 *                              sequences known to have been handed out there when it is larger; a lower bound when
 *                              {@link #droppedRecordsExact()} is false.
 * @param droppedBytes          bytes dropped: from the truncation point to the last non-zero byte, in every segment
 *                              truncated or deleted, plus durable bytes cut off with a truncated file's end.
 * @param truncatedFile         file where the journal was truncated, or null when nothing was.
 * @param truncatedOffset       offset in that file, or -1.
 * @param reason                why the frame or file at the truncation point was bad, or null.
 * @param corruptionRepaired    true when durable data was dropped (a truncation below the durable position), which
 *                              only {@code RecoveryMode.TRUNCATE_CORRUPTION} does.
 * @param deletedFiles          segment files deleted because they lay wholly beyond the end.
 * @param scannedBytes          bytes of frames read to find the end.
 * @param durationNanos         time recovery took.
 * @param firstDroppedSequence  sequence of the first record dropped, or -1.
 * @param lastDroppedSequence   sequence of the last record known dropped, or -1.
 * @param droppedRecordsExact   false when records below the durable position could be neither read nor counted (a
 *                              file cut short, frames that cannot be walked): there may have been more.
 * @param repairLog             the repair log this repair was appended to, or null.
 * @param planOnly              true when nothing was changed: what a repair would do ({@code varve repair}).
 */
public record RecoveryReport(
    long durablePositionBefore,
    long endPosition,
    long nextSequence,
    long droppedRecords,
    long droppedBytes,
    Path truncatedFile,
    long truncatedOffset,
    String reason,
    boolean corruptionRepaired,
    List<String> deletedFiles,
    long scannedBytes,
    long durationNanos,
    long firstDroppedSequence,
    long lastDroppedSequence,
    boolean droppedRecordsExact,
    Path repairLog,
    boolean planOnly)
{
    /**
     * Whether recovery dropped anything.
     *
     * @return true when records or bytes were dropped or files deleted.
     */
    public boolean droppedAnything()
    {
        return droppedRecords > 0 || droppedBytes > 0 || !deletedFiles.isEmpty() || corruptionRepaired;
    }

    /**
     * The dropped records in words: {@code 110} or {@code at least 110}.
     *
     * @return the count.
     */
    public String droppedRecordsText()
    {
        return (droppedRecordsExact ? "" : "at least ") + droppedRecords;
    }

    /**
     * What was dropped, in "name=value" form, as the repair log records it.
     *
     * @return the line, without a time stamp.
     */
    public String repairLine()
    {
        final StringBuilder text = new StringBuilder()
            .append(corruptionRepaired ? "repaired corruption" : "truncated torn tail")
            .append(": file=").append(truncatedFile)
            .append(" offset=").append(truncatedOffset)
            .append(" reason='").append(reason).append('\'')
            .append(" droppedRecords=").append(droppedRecordsText());
        if (droppedRecords > 0)
        {
            text.append(" firstDroppedSequence=").append(firstDroppedSequence)
                .append(" lastDroppedSequence=").append(lastDroppedSequence);
        }
        text.append(" droppedBytes=").append(droppedBytes);
        if (!deletedFiles.isEmpty())
        {
            text.append(" deleted=").append(deletedFiles);
        }
        text.append(" endPosition=").append(endPosition).append(" nextSequence=").append(nextSequence);
        if (droppedRecords > 0 && nextSequence > firstDroppedSequence)
        {
            // the journal goes on at the first frame of a new segment after the gap
            text.append(' ').append(RepairLog.gapText(firstDroppedSequence, nextSequence - 1,
                endPosition - SegmentDescriptor.HEADER_LENGTH));
        }
        return text.toString();
    }

    /**
     * One line for the log.
     *
     * @return the summary.
     */
    public String toString()
    {
        final StringBuilder text = new StringBuilder()
            .append(planOnly ? "repair plan: " : "recovery: ")
            .append("durablePosition=").append(durablePositionBefore)
            .append(" endPosition=").append(endPosition)
            .append(" nextSequence=").append(nextSequence)
            .append(" scannedBytes=").append(scannedBytes)
            .append(" tookMicros=").append(durationNanos / 1000);
        if (droppedAnything())
        {
            text.append(corruptionRepaired ? " REPAIRED CORRUPTION" : " truncated torn tail")
                .append(": droppedRecords=").append(droppedRecordsText());
            if (droppedRecords > 0)
            {
                text.append(" firstDroppedSequence=").append(firstDroppedSequence)
                    .append(" lastDroppedSequence=").append(lastDroppedSequence);
            }
            text.append(" droppedBytes=").append(droppedBytes);
            if (truncatedFile != null)
            {
                text.append(" file=").append(truncatedFile).append(" offset=").append(truncatedOffset)
                    .append(" reason='").append(reason).append('\'');
            }
            if (!deletedFiles.isEmpty())
            {
                text.append(" deleted=").append(deletedFiles);
            }
            if (repairLog != null)
            {
                text.append(" repairLog=").append(repairLog);
            }
        }
        return text.toString();
    }
}
