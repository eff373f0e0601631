package io.varve.journal;

/**
 * Runs a test class written for the default write mode in {@link WriteMode#POSITIONAL}: a subclass turns the mode on
 * in its {@code @BeforeAll} and off in its {@code @AfterAll}. Every {@link JournalContext} made in between, and every
 * child JVM started through {@link ChildJvm}, writes with positional writes. Test classes run one after another in
 * one JVM, so the system property is not seen by another class.
 */
public final class PositionalMode
{
    private PositionalMode()
    {
    }

    /**
     * Write in the positional mode from now on.
     */
    public static void on()
    {
        System.setProperty(JournalConfiguration.WRITE_MODE_PROP_NAME, WriteMode.POSITIONAL.name());
    }

    /**
     * Whether the positional mode is on.
     *
     * @return true between {@link #on()} and {@link #off()}.
     */
    public static boolean isOn()
    {
        return WriteMode.POSITIONAL.name().equals(System.getProperty(JournalConfiguration.WRITE_MODE_PROP_NAME));
    }

    /**
     * Back to the default mode.
     */
    public static void off()
    {
        System.clearProperty(JournalConfiguration.WRITE_MODE_PROP_NAME);
    }
}
