package io.varve.journal;

import java.time.Duration;
import java.util.Locale;

/**
 * How much of the journal to keep. The writer's background thread deletes whole sealed segments, oldest first,
 * while any limit is exceeded; it never deletes the segment being written. A segment's age is the time since it
 * was sealed (when the writer rolled past it). Limits combine: the journal is kept within all of them.
 * <pre>{@code
 * RetentionPolicy.unlimited().maxBytes(100L << 30).maxAge(Duration.ofDays(7))
 * }</pre>
 * Threading: immutable.
 */
public final class RetentionPolicy
{
    private static final RetentionPolicy UNLIMITED = new RetentionPolicy(Long.MAX_VALUE, null, Integer.MAX_VALUE);

    private final long maxBytes;
    private final Duration maxAge;
    private final int maxSegments;

    private RetentionPolicy(final long maxBytes, final Duration maxAge, final int maxSegments)
    {
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.maxSegments = maxSegments;
    }

    /**
     * Keep everything.
     *
     * @return the policy.
     */
    public static RetentionPolicy unlimited()
    {
        return UNLIMITED;
    }

    /**
     * Also keep segment files within a total size.
     *
     * @param bytes of segment files, at least two segments' worth in effect (the active one is never deleted).
     * @return a new policy.
     */
    public RetentionPolicy maxBytes(final long bytes)
    {
        if (bytes <= 0)
        {
            throw new JournalConfigurationException("retention maxBytes must be > 0: maxBytes=" + bytes);
        }
        return new RetentionPolicy(bytes, maxAge, maxSegments);
    }

    /**
     * Also delete segments sealed longer ago than an age.
     *
     * @param age the age.
     * @return a new policy.
     */
    public RetentionPolicy maxAge(final Duration age)
    {
        if (age.isNegative() || age.isZero())
        {
            throw new JournalConfigurationException("retention maxAge must be > 0: maxAge=" + age);
        }
        return new RetentionPolicy(maxBytes, age, maxSegments);
    }

    /**
     * Also keep at most this many segment files.
     *
     * @param segments at least 1.
     * @return a new policy.
     */
    public RetentionPolicy maxSegments(final int segments)
    {
        if (segments < 1)
        {
            throw new JournalConfigurationException("retention maxSegments must be >= 1: maxSegments=" + segments);
        }
        return new RetentionPolicy(maxBytes, maxAge, segments);
    }

    /**
     * Parse the CLI form: {@code unlimited}, or a comma-separated list of {@code bytes:SIZE}, {@code age:DURATION}
     * (ISO-8601 such as {@code PT12H} or {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}) and {@code segments:N}.
     *
     * @param text to parse.
     * @return the policy.
     */
    public static RetentionPolicy parse(final String text)
    {
        RetentionPolicy policy = UNLIMITED;
        if (text.isBlank() || "unlimited".equalsIgnoreCase(text.trim()))
        {
            return policy;
        }
        for (final String part : text.split(","))
        {
            final String[] pair = part.trim().split(":", 2);
            if (pair.length != 2)
            {
                throw new JournalConfigurationException("retention must look like bytes:10g,age:7d,segments:100: " +
                    "value=" + text);
            }
            final String value = pair[1].trim().toLowerCase(Locale.ROOT);
            try
            {
                switch (pair[0].trim().toLowerCase(Locale.ROOT))
                {
                    case "bytes":
                        policy = policy.maxBytes(parseSize(value));
                        break;
                    case "age":
                        policy = policy.maxAge(parseDuration(value));
                        break;
                    case "segments":
                        policy = policy.maxSegments(Integer.parseInt(value));
                        break;
                    default:
                        throw new JournalConfigurationException("unknown retention limit: " + pair[0] +
                            " (expected bytes, age or segments)");
                }
            }
            catch (final RuntimeException ex)
            {
                if (ex instanceof JournalConfigurationException)
                {
                    throw ex;
                }
                throw new JournalConfigurationException(
                    "cannot parse retention '" + part + "': " + ex.getMessage(), ex);
            }
        }
        return policy;
    }

    private static long parseSize(final String value)
    {
        final char unit = value.charAt(value.length() - 1);
        final int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : unit == 't' ? 40 : 0;
        return Long.parseLong(shift == 0 ? value : value.substring(0, value.length() - 1)) << shift;
    }

    private static Duration parseDuration(final String value)
    {
        if (value.startsWith("p"))
        {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        final long amount = Long.parseLong(value.substring(0, value.length() - 1));
        switch (value.charAt(value.length() - 1))
        {
            case 'd':
                return Duration.ofDays(amount);
            case 'h':
                return Duration.ofHours(amount);
            case 'm':
                return Duration.ofMinutes(amount);
            case 's':
                return Duration.ofSeconds(amount);
            default:
                throw new IllegalArgumentException("unit must be d, h, m or s");
        }
    }

    /**
     * Whether the policy deletes anything ever.
     *
     * @return true when some limit is set.
     */
    public boolean isLimited()
    {
        return maxBytes != Long.MAX_VALUE || maxAge != null || maxSegments != Integer.MAX_VALUE;
    }

    /**
     * Size limit.
     *
     * @return bytes, {@link Long#MAX_VALUE} when unlimited.
     */
    public long maxBytes()
    {
        return maxBytes;
    }

    /**
     * Age limit.
     *
     * @return the age, or null when unlimited.
     */
    public Duration maxAge()
    {
        return maxAge;
    }

    /**
     * Segment count limit.
     *
     * @return segments, {@link Integer#MAX_VALUE} when unlimited.
     */
    public int maxSegments()
    {
        return maxSegments;
    }

    /**
     * The parseable form.
     *
     * @return e.g. {@code bytes:1073741824,segments:10}.
     */
    public String toString()
    {
        if (!isLimited())
        {
            return "unlimited";
        }
        final StringBuilder text = new StringBuilder();
        if (maxBytes != Long.MAX_VALUE)
        {
            text.append("bytes:").append(maxBytes);
        }
        if (maxAge != null)
        {
            text.append(text.length() > 0 ? "," : "").append("age:").append(maxAge);
        }
        if (maxSegments != Integer.MAX_VALUE)
        {
            text.append(text.length() > 0 ? "," : "").append("segments:").append(maxSegments);
        }
        return text.toString();
    }
}
