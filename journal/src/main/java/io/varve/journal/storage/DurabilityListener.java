package io.varve.journal.storage;

/**
 * Told each time the durable position moves, after the force that covers it has returned. The ring module uses it to
 * acknowledge records forced by a periodic sync.
 * <p>
 * Threading: called on whichever thread forced (the writer's, or the background thread under a periodic policy),
 * while the syncer's lock is held: return quickly and never call back into the journal.
 */
@FunctionalInterface
public interface DurabilityListener
{
    /**
     * The durable position moved.
     *
     * @param durablePosition every frame below it is on storage.
     */
    void onDurable(long durablePosition);
}
