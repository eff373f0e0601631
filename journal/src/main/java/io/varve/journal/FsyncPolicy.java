package io.varve.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * When the journal forces what it wrote to storage. {@code Appender.sync()} forces at any time under every policy.
 * <ul>
 *     <li>{@link Kind#NONE}: only on {@code sync()}, on a roll's next sync and on close. A crash of the process
 *     loses nothing (the page cache keeps it); a power loss can lose everything since the last sync.</li>
 *     <li>{@link Kind#PERIODIC}: a background thread forces every interval, so at most one interval is at risk.</li>
 *     <li>{@link Kind#BATCH}: group commit: whoever drives the appender forces once per batch (the ring's
 *     journaling thread does so at the end of each batch); the appender alone behaves like NONE.</li>
 *     <li>{@link Kind#EVERY_RECORD}: each append returns after its record is forced.</li>
 * </ul>
 * Under every policy but NONE a roll forces the sealed segment before the durable position moves past it, and
 * a failed force is fatal: the journal stops and reports it.
 * <p>
 * Threading: immutable.
 */
public final class FsyncPolicy
{
    /** The kinds of policy. */
    public enum Kind
    {
        /** Force only when asked. */
        NONE,
        /** Force from a background thread at an interval. */
        PERIODIC,
        /** Force once per batch, driven by the caller. */
        BATCH,
        /** Force after every record. */
        EVERY_RECORD
    }

    /** Force only when asked. */
    public static final FsyncPolicy NONE = new FsyncPolicy(Kind.NONE, Duration.ZERO);
    /** Force once per batch, driven by the caller. */
    public static final FsyncPolicy BATCH = new FsyncPolicy(Kind.BATCH, Duration.ZERO);
    /** Force after every record. */
    public static final FsyncPolicy EVERY_RECORD = new FsyncPolicy(Kind.EVERY_RECORD, Duration.ZERO);

    private final Kind kind;
    private final Duration interval;

    private FsyncPolicy(final Kind kind, final Duration interval)
    {
        this.kind = kind;
        this.interval = interval;
    }

    /**
     * Force from a background thread every interval.
     *
     * @param interval between forces, at least one millisecond.
     * @return the policy.
     */
    public static FsyncPolicy periodic(final Duration interval)
    {
        if (interval.toMillis() < 1)
        {
            throw new JournalConfigurationException("periodic fsync interval must be >= 1ms: interval=" + interval);
        }
        return new FsyncPolicy(Kind.PERIODIC, interval);
    }

    /**
     * Parse the form the CLI and system properties use: {@code none}, {@code periodic:MILLIS}, {@code batch} or
     * {@code every-record}.
     *
     * @param text to parse.
     * @return the policy.
     */
    public static FsyncPolicy parse(final String text)
    {
        final String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (value.startsWith("periodic:"))
        {
            try
            {
                return periodic(Duration.ofMillis(Long.parseLong(value.substring("periodic:".length()))));
            }
            catch (final NumberFormatException ex)
            {
                throw new JournalConfigurationException("fsync policy periodic needs milliseconds: value=" + text);
            }
        }
        switch (value)
        {
            case "none":
                return NONE;
            case "batch":
                return BATCH;
            case "every-record":
                return EVERY_RECORD;
            default:
                throw new JournalConfigurationException(
                    "unknown fsync policy: value=" + text + " expected none|periodic:MILLIS|batch|every-record");
        }
    }

    /**
     * The kind of policy.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * Interval of a periodic policy.
     *
     * @return the interval, zero for the others.
     */
    public Duration interval()
    {
        return interval;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        return o instanceof FsyncPolicy && ((FsyncPolicy)o).kind == kind && ((FsyncPolicy)o).interval.equals(interval);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Objects.hash(kind, interval);
    }

    /**
     * The parseable form.
     *
     * @return e.g. {@code periodic:100}.
     */
    public String toString()
    {
        switch (kind)
        {
            case PERIODIC:
                return "periodic:" + interval.toMillis();
            case EVERY_RECORD:
                return "every-record";
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
