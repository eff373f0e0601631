/**
 * The read path: {@link io.varve.journal.read.JournalReader} opens a journal read-only, in the writer's process or
 * any other, and hands out {@link io.varve.journal.read.Tailer}s that read records straight from the mapped
 * segments with no allocation per record, follow segment rolls, seek by position, sequence or timestamp through
 * the sparse index, and, when named, persist their position in the metadata file
 * ({@link io.varve.journal.read.TailerPosition}).
 */
package io.varve.journal.read;
