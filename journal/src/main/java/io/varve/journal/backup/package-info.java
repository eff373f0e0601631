/**
 * Online backup and restore: {@link io.varve.journal.backup.JournalBackup} copies a consistent journal (every
 * segment up to the durable position) while its writer keeps appending.
 */
package io.varve.journal.backup;
