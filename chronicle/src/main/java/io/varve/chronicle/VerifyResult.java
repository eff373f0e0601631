package io.varve.chronicle;

/**
 * What {@link ChronicleImport#verify()} found, comparing every journal record with the queue's excerpt at the same
 * place in index order.
 * <p>
 * Threading: immutable.
 *
 * @param compared      records compared.
 * @param mismatch      the first difference, or null when every record matched.
 * @param newerExcerpts excerpts in the queue after the last one imported (a queue still written), not an error.
 */
public record VerifyResult(long compared, String mismatch, long newerExcerpts)
{
    /**
     * Whether every journal record matched its excerpt.
     *
     * @return true when no difference was found.
     */
    public boolean matches()
    {
        return mismatch == null;
    }
}
