/**
 * Keyed compaction: {@link io.varve.journal.compaction.JournalCompactor} rewrites sealed segments keeping the newest
 * record of each key, preserving sequence numbers and order, and swaps each rewritten segment in with an atomic
 * rename.
 */
package io.varve.journal.compaction;
