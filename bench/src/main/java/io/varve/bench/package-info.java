/**
 * The benchmark suite: runs Varve and its peers, Chronicle Queue and Aeron Archive, through the same workloads in
 * one session, interleaving their repetitions with memory brought to the same state before each, and writes a
 * results folder with a {@code summary.md} of Varve/peer ratios. {@link io.varve.bench.BenchmarkSuite} is the one
 * command; {@link io.varve.bench.Workloads} is the one place that lists the JMH workloads it runs, and
 * {@link io.varve.bench.reader.ReaderSuite} the reader workloads that run in processes of their own.
 */
package io.varve.bench;
