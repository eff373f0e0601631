package io.varve.bench;

/**
 * The systems the suite compares, and the machine itself for the noise floor.
 * <p>
 * Threading: immutable.
 */
public enum BenchSystem
{
    /** Varve, the system under test. */
    VARVE("Varve"),
    /** Chronicle Queue (open source), peer. */
    CHRONICLE("Chronicle Queue"),
    /** Aeron Archive recording an IPC publication with an embedded archiving media driver, peer. */
    AERON("Aeron Archive"),
    /** No system: measurements of the machine, such as {@code System.nanoTime()} jitter. */
    MACHINE("machine");

    private final String displayName;

    BenchSystem(final String displayName)
    {
        this.displayName = displayName;
    }

    /**
     * Name for tables and charts.
     *
     * @return the name.
     */
    public String displayName()
    {
        return displayName;
    }
}
