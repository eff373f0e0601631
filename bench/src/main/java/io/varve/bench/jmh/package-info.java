/**
 * JMH benchmarks, one class per system and workload: append, tail read and durable append for Varve, Chronicle
 * Queue and Aeron Archive. Each measured iteration writes into a fresh directory, with memory brought warm first
 * (see {@link io.varve.bench.MemoryState}), and the directory is deleted after it.
 */
package io.varve.bench.jmh;
