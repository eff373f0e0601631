package io.varve.journal;

/**
 * Base of every exception Varve throws. Unchecked, with a {@link Category} that says how bad it is; narrow
 * subclasses name what a caller can act on.
 */
public class VarveException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * How bad an exception is.
     */
    public enum Category
    {
        /** The component can no longer be used; data may have been lost. Reopen to recover. */
        FATAL,
        /** The operation failed; the component is still usable. */
        ERROR,
        /** Something worth knowing; the operation went ahead. */
        WARN
    }

    /** How bad the failure is. */
    private final Category category;

    /**
     * An exception of category {@link Category#ERROR}.
     *
     * @param message what happened, in "what: name=value" form.
     */
    public VarveException(final String message)
    {
        this(message, null, Category.ERROR);
    }

    /**
     * An exception with a cause and a category.
     *
     * @param message  what happened.
     * @param cause    underlying failure, or null.
     * @param category how bad it is.
     */
    public VarveException(final String message, final Throwable cause, final Category category)
    {
        super(message, cause);
        this.category = category;
    }

    /**
     * How bad it is.
     *
     * @return the category.
     */
    public Category category()
    {
        return category;
    }
}
