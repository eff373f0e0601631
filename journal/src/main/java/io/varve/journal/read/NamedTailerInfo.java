package io.varve.journal.read;

/**
 * A named tailer's persisted state, as tools read it from the metadata file.
 *
 * @param name             of the tailer.
 * @param position         next frame it will read.
 * @param sequence         next record it will read.
 * @param ownerPid         process using it, or 0.
 * @param updateTimeMillis when it last moved, epoch millis.
 */
public record NamedTailerInfo(String name, long position, long sequence, long ownerPid, long updateTimeMillis)
{
}
