package io.varve.bench.latency;

/**
 * The latency scenarios, in the order the suite runs and reports them.
 * <p>
 * Threading: immutable.
 */
public enum LatencyScenario
{
    /** Back-to-back {@code System.nanoTime()}: the noise floor. */
    JITTER("jitter", "System.nanoTime() jitter (noise floor)"),
    /** One thread appending at 1M msg/s, latency from the intended send time to the end of the append. */
    PACED("paced", "Paced append at 1M msg/s, CO-corrected"),
    /** The same run as {@link #PACED}, timed from the actual start of each append: the service time. */
    PACED_SERVICE_TIME("paced-uncorrected", "Paced append at 1M msg/s, service time (not CO-corrected)"),
    /** Writer at 100k msg/s, tailer thread in the same process. */
    END_TO_END_THREAD("e2e-thread", "Writer to tailer at 100k msg/s, tailer in the same process"),
    /** Writer at 100k msg/s, tailer in another process. */
    END_TO_END_PROCESS("e2e-process", "Writer to tailer at 100k msg/s, tailer in another process");

    private final String id;
    private final String title;

    LatencyScenario(final String id, final String title)
    {
        this.id = id;
        this.title = title;
    }

    /**
     * Whether the suite runs this scenario itself; the service time comes out of the paced runs.
     *
     * @return true when it is run.
     */
    public boolean isRun()
    {
        return this != PACED_SERVICE_TIME;
    }

    /**
     * Short name, as {@code --scenario=} takes it.
     *
     * @return the id.
     */
    public String id()
    {
        return id;
    }

    /**
     * Heading for tables and charts.
     *
     * @return the title.
     */
    public String title()
    {
        return title;
    }
}
