package io.varve.stress;

import io.varve.journal.JournalConfiguration;
import io.varve.journal.WriteMode;

/**
 * Runs a torture test class again with the writer in {@link WriteMode#POSITIONAL}: a subclass calls {@link #on(String,
 * int)} in its {@code @BeforeAll} and {@link #off(String)} in its {@code @AfterAll}. Every journal the test opens,
 * in this JVM or in a child started through {@link ChildProcess}, then writes with positional writes. The positional
 * rerun uses half the size of the mapped run, so the default test run grows by about 20 seconds.
 */
public final class PositionalTorture
{
    private static String size;

    private PositionalTorture()
    {
    }

    /**
     * Turn the positional mode on.
     *
     * @param sizeProperty the test's size property, such as {@code varve.stress.cycles}.
     * @param defaultSize  the mapped run's size when the property is not given.
     */
    public static void on(final String sizeProperty, final int defaultSize)
    {
        System.setProperty(JournalConfiguration.WRITE_MODE_PROP_NAME, WriteMode.POSITIONAL.name());
        size = System.getProperty(sizeProperty);
        final int half = Math.max(1, Integer.getInteger(sizeProperty, defaultSize) / 2);
        System.setProperty(sizeProperty, Integer.toString(half));
    }

    /**
     * Back to the default mode and size.
     *
     * @param sizeProperty the test's size property.
     */
    public static void off(final String sizeProperty)
    {
        System.clearProperty(JournalConfiguration.WRITE_MODE_PROP_NAME);
        if (size == null)
        {
            System.clearProperty(sizeProperty);
        }
        else
        {
            System.setProperty(sizeProperty, size);
        }
    }
}
