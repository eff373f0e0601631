/**
 * The latency harness: paced append and writer-to-tailer end-to-end latency recorded in HdrHistograms from the
 * intended send time, so that a stall counts against every message it delayed (coordinated omission), and the
 * back-to-back {@code System.nanoTime()} jitter that is the machine's noise floor. Each run is a child JVM.
 */
package io.varve.bench.latency;
