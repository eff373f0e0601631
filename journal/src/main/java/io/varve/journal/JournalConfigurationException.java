package io.varve.journal;

/**
 * A setting, or the JVM's own configuration, does not allow the journal to run.
 */
public final class JournalConfigurationException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A bad setting.
     *
     * @param message naming the setting and its value.
     */
    public JournalConfigurationException(final String message)
    {
        super(message);
    }

    /**
     * A bad setting with a cause.
     *
     * @param message naming the setting and its value.
     * @param cause   underlying failure.
     */
    public JournalConfigurationException(final String message, final Throwable cause)
    {
        super(message, cause, Category.ERROR);
    }
}
