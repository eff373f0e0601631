package io.varve.journal;

/**
 * How the journaling thread puts frames into segment files. Tailers read through read-only mappings in both modes.
 */
public enum WriteMode
{
    /**
     * The writer maps each segment read-write and frames records in place; a frame is published by a release store
     * of its length, so a tailer in any process sees it as soon as it is written. Segments are prepared ahead with
     * real blocks and their page tables populated, so the writer never faults.
     */
    MAPPED,
    /**
     * The writer never maps a segment writable: it frames records into a small staging buffer and writes it to the
     * segment file with positional writes at the end of each batch, as Aeron Archive's recorder does, then publishes
     * the end of what it wrote in the writer position counter, which tailers read before they read frames. No TLB
     * shootdown when a range is forced, and a full disk is an error from the write, not a SIGBUS.
     */
    POSITIONAL
}
