/**
 * Files on disk: the journal directory, mapped files and their allocation, the writer's OS lock and the metadata
 * file. Everything here is real I/O on real files: pre-allocated with zeros so that writes through a mapping never
 * meet a full disk, forced with msync/fdatasync, and made durable in the directory with a directory fsync.
 */
package io.varve.journal.storage;
