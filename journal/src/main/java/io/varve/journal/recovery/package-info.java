/**
 * Crash recovery and verification. {@link io.varve.journal.recovery.JournalRecovery} finds the end of the log when
 * a writer opens it, truncating only a torn tail beyond the durable position, at a cost that depends on the
 * unsynced tail and not on the journal's size. {@link io.varve.journal.recovery.JournalVerifier} checks every
 * frame of every segment, for {@code varve verify}; {@link io.varve.journal.recovery.JournalStructure} is its cheap
 * structural part (foreign and leftover files, the segment chain, the tailer table), which {@code varve dump},
 * {@code describe} and {@code stat} run too, so every tool flags the same damage.
 */
package io.varve.journal.recovery;
