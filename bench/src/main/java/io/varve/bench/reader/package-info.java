/**
 * What a reader meets across processes: a fresh process replaying a journal once (first touch of every mapped
 * page), a second tailer in the same process, and a tailer in one process following a writer in another, each
 * beside Chronicle Queue doing the same, in child JVMs.
 */
package io.varve.bench.reader;
