package io.varve.journal.recovery;

import java.nio.file.Path;
import java.util.List;

/**
 * What recovery found and did when a writer opened the journal.
 *
 * @param durablePositionBefore durable position recorded in the metadata file.
 * @param endPosition           where the recovered journal ends: the next frame goes here.
 * @param nextSequence          sequence of the next record.
 * @param droppedRecords        frames dropped from the tail: those that could still be walked by their lengths,
 *                              the first bad one included.
 * @param droppedBytes          bytes dropped: from the truncation point to the last non-zero byte, in every segment
 *                              truncated or deleted.
 * @param truncatedFile         segment where the journal was truncated, or null when nothing was.
 * @param truncatedOffset       offset in that file, or -1.
 * @param reason                why the frame at the truncation point was bad, or null.
 * @param corruptionRepaired    true when the truncation was below the durable position, which only
 *                              {@code RecoveryMode.TRUNCATE_CORRUPTION} does.
 * @param deletedFiles          files deleted because they lay wholly beyond the end.
 * @param scannedBytes          bytes of frames read to find the end.
 * @param durationNanos         time recovery took.
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
    long durationNanos)
{
    /**
     * Whether recovery dropped anything.
     *
     * @return true when records or bytes were dropped or files deleted.
     */
    public boolean droppedAnything()
    {
        return droppedRecords > 0 || droppedBytes > 0 || !deletedFiles.isEmpty();
    }

    /**
     * One line for the log.
     *
     * @return the summary.
     */
    public String toString()
    {
        final StringBuilder text = new StringBuilder()
            .append("recovery: durablePosition=").append(durablePositionBefore)
            .append(" endPosition=").append(endPosition)
            .append(" nextSequence=").append(nextSequence)
            .append(" scannedBytes=").append(scannedBytes)
            .append(" tookMicros=").append(durationNanos / 1000);
        if (droppedAnything())
        {
            text.append(corruptionRepaired ? " REPAIRED CORRUPTION" : " truncated torn tail")
                .append(": droppedRecords=").append(droppedRecords)
                .append(" droppedBytes=").append(droppedBytes);
            if (truncatedFile != null)
            {
                text.append(" file=").append(truncatedFile).append(" offset=").append(truncatedOffset)
                    .append(" reason='").append(reason).append('\'');
            }
            if (!deletedFiles.isEmpty())
            {
                text.append(" deleted=").append(deletedFiles);
            }
        }
        return text.toString();
    }
}
