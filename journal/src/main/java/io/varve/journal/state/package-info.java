/**
 * Replay of records into application state, and snapshots of that state: a restart loads the newest valid
 * {@link io.varve.journal.state.SnapshotStore snapshot} and {@link io.varve.journal.state.StateReplay replays} only
 * the records after it.
 */
package io.varve.journal.state;
