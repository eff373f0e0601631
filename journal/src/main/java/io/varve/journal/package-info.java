/**
 * The journal's API: {@link io.varve.journal.Journal} opens a journal for writing with a
 * {@link io.varve.journal.JournalContext}, its {@link io.varve.journal.write.Appender} appends records, and the
 * exceptions here say what went wrong in terms a caller can act on.
 * <p>
 * Where things live: the write path in {@code io.varve.journal.write}, the on-disk format in
 * {@code io.varve.journal.format}, recovery and verification in {@code io.varve.journal.recovery}, files and
 * mappings in {@code io.varve.journal.storage}.
 */
package io.varve.journal;
