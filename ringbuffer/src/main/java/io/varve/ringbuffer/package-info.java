/**
 * The ring write path: producers on any thread publish records into an LMAX Disruptor ring of off-heap slots, and
 * one journaling thread drains it into the journal's appender, forcing once per batch under the {@code BATCH} fsync
 * policy (group commit) and acknowledging each producer's record only after the force that covers it returned.
 * Start at {@link io.varve.ringbuffer.JournalRing}.
 */
package io.varve.ringbuffer;
