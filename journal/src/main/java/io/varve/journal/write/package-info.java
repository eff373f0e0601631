/**
 * The write path: the single {@link io.varve.journal.write.Appender} that frames records into the mapped segment,
 * the {@link io.varve.journal.write.SegmentPreparer} that allocates the next segment on a background thread before
 * the appender needs it, and the {@link io.varve.journal.write.SegmentSyncer} that forces written ranges and moves
 * the durable position.
 */
package io.varve.journal.write;
