package io.varve.journal;

/**
 * A record longer than the configured maximum. Nothing was written.
 */
public final class RecordTooLargeException extends VarveException
{
    private static final long serialVersionUID = 1L;

    /**
     * A refused record.
     *
     * @param length          of the record's payload.
     * @param maxRecordLength the limit.
     * @param setting         the setting that raises the limit.
     */
    public RecordTooLargeException(final long length, final int maxRecordLength, final String setting)
    {
        super("record too large: length=" + length + " maxRecordLength=" + maxRecordLength +
            (setting == null ? "" : "; raise " + setting));
    }
}
