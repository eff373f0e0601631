package io.varve.journal.state;

import org.agrona.DirectBuffer;

import java.nio.file.Path;

/**
 * A snapshot loaded from a {@link SnapshotStore}: application state and the sequence it covers.
 *
 * @param nextSequence the state covers every record with a lower sequence; replay from here.
 * @param state        the state bytes, from offset 0.
 * @param stateLength  bytes of state.
 * @param creationTime epoch nanos.
 * @param file         it was read from.
 */
public record Snapshot(long nextSequence, DirectBuffer state, int stateLength, long creationTime, Path file)
{
}
