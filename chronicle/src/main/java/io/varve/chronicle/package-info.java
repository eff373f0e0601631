/**
 * Chronicle interop: chronicle-bytes marshallables encoded straight into Varve records and decoded straight from
 * them, and the import of a Chronicle Queue into a Varve journal.
 * <p>
 * {@link io.varve.chronicle.MarshallableAppender} encodes a {@code WriteBytesMarshallable} into an
 * {@code Appender} claim, {@link io.varve.chronicle.MarshallablePublisher} into a {@code JournalRing} slot, and
 * {@link io.varve.chronicle.MarshallableHandler} hands each record a tailer delivers to a
 * {@code ReadBytesMarshallable}: each through one reused chronicle-bytes view over the off-heap bytes, with no
 * copy and no allocation per record. {@link io.varve.chronicle.ChronicleImport} copies every excerpt of a
 * Chronicle Queue into a journal, resumably, keeping each excerpt's Chronicle index as the record's key
 * ({@link io.varve.chronicle.ImportedRecordDescriptor}).
 * <p>
 * This is the only Varve module besides the benchmarks that reaches Chronicle, and so the only one that needs
 * Chronicle's JVM flags ({@link io.varve.chronicle.ChronicleFlags}).
 */
package io.varve.chronicle;
