package io.varve.journal.compaction;

/**
 * What a compaction did.
 *
 * @param segmentsRewritten  segments replaced by compacted ones.
 * @param recordsKept        records copied into compacted segments.
 * @param recordsSuperseded  keyed records dropped because a newer record of the key exists.
 * @param tombstonesDropped  tombstones dropped after their grace period.
 * @param bytesReclaimed     bytes of segment files freed on disk.
 * @param keys               distinct keys seen in the journal.
 * @param durationNanos      time taken.
 */
public record CompactionReport(
    int segmentsRewritten,
    long recordsKept,
    long recordsSuperseded,
    long tombstonesDropped,
    long bytesReclaimed,
    int keys,
    long durationNanos)
{
}
