package io.varve.journal.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A seam around every force of a journal file, for tests: it can hold a force to check that nothing is
 * acknowledged before it returns, or throw to inject a failing force. Production code leaves it unset.
 * <p>
 * Threading: called on whichever thread forces (the writer's, or the background thread under a periodic policy).
 */
@FunctionalInterface
public interface ForceInterceptor
{
    /**
     * Called before a file range is forced.
     *
     * @param file       being forced.
     * @param fromOffset first byte of the range.
     * @param toOffset   end of the range, exclusive.
     * @throws IOException to make the force fail as if the device had failed.
     */
    void beforeForce(Path file, long fromOffset, long toOffset) throws IOException;
}
