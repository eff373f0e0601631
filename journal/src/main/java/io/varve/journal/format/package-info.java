/**
 * The on-disk format: one descriptor class per binary structure, each with the ASCII diagram of its layout and
 * the offsets beside it. {@code docs/FORMAT.md} repeats the same diagrams for people who write readers in other
 * languages; tests pin the offsets so the two cannot drift.
 * <p>
 * A journal is a directory holding {@link io.varve.journal.format.MetadataDescriptor a metadata file}, segment
 * files ({@link io.varve.journal.format.SegmentDescriptor}) made of frames
 * ({@link io.varve.journal.format.FrameDescriptor}), and a sparse index file per segment
 * ({@link io.varve.journal.format.IndexDescriptor}). {@link io.varve.journal.format.JournalDirectoryLayout} names
 * the files. All integers are little-endian.
 */
package io.varve.journal.format;
