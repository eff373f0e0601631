package io.varve.journal.read;

/**
 * Where a walk over one segment's frames stopped, for {@link Tailer}'s seeks.
 *
 * @param offset         frame offset reached: the target record, the first frame not written yet, the offset asked
 *                       for, or the end of the segment's frames.
 * @param sequence       sequence of the record at {@code offset}, or of the next record to be written there.
 * @param lastTimestamp  timestamp of the record before {@code offset}, or {@link Long#MIN_VALUE} when unknown.
 * @param endOfSegment   true when the walk reached the end of the segment's frames (a padding frame, too few bytes
 *                       left for a header, or the end of a compacted segment's frames).
 * @param previousOffset offset of the last record walked past, or where the walk started.
 */
record TailerSeek(int offset, long sequence, long lastTimestamp, boolean endOfSegment, int previousOffset)
{
}
