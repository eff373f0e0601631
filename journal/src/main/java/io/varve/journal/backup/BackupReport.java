package io.varve.journal.backup;

import io.varve.journal.recovery.VerifyReport;

import java.nio.file.Path;

/**
 * What a backup or restore copied, and how the copy verified.
 *
 * @param destination   the new journal directory.
 * @param segments      segment files copied.
 * @param bytes         bytes copied.
 * @param endPosition   the copy ends at this position: the source's durable position at the start of the backup.
 * @param durationNanos time taken.
 * @param verification  of the copy.
 */
public record BackupReport(
    Path destination, int segments, long bytes, long endPosition, long durationNanos, VerifyReport verification)
{
}
