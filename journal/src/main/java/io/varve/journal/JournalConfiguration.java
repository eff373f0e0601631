package io.varve.journal;

import io.varve.journal.format.IndexDescriptor;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Names and defaults of the journal's settings. Each default can be changed with a system property of the given
 * name; a {@link JournalContext} starts from these values.
 * <p>
 * Threading: constants only.
 */
public final class JournalConfiguration
{
    /** Bytes per segment file, a power of two from 64 KiB to 1 GiB. */
    public static final String SEGMENT_LENGTH_PROP_NAME = "varve.segment.length";
    /** Default segment length: 64 MiB. */
    public static final int SEGMENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /** Largest record payload in bytes; at most what a segment can hold. */
    public static final String MAX_RECORD_LENGTH_PROP_NAME = "varve.max.record.length";
    /** Default largest record: 16 MiB, or what a segment holds if less. */
    public static final int MAX_RECORD_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /** Fsync policy: {@code none}, {@code periodic:MILLIS}, {@code batch} or {@code every-record}. */
    public static final String FSYNC_POLICY_PROP_NAME = "varve.fsync.policy";
    /**
     * Default fsync policy: none, as Chronicle Queue and Aeron Archive default to. A crash of the process loses
     * nothing (the page cache holds every committed record); only a power loss or kernel crash can lose what was
     * appended since the last {@code sync()}. Choose PERIODIC, BATCH or EVERY_RECORD to bound that.
     */
    public static final String FSYNC_POLICY_DEFAULT = "none";

    /** POSIX permissions of the files the journal creates, in {@code rw-r-----} form. */
    public static final String FILE_PERMISSIONS_PROP_NAME = "varve.file.permissions";
    /** Default permissions: owner reads and writes, group reads, others nothing. */
    public static final String FILE_PERMISSIONS_DEFAULT = "rw-r-----";

    /** What opening does with corruption below the durable position: {@code STRICT} or {@code TRUNCATE_CORRUPTION}. */
    public static final String RECOVERY_MODE_PROP_NAME = "varve.recovery.mode";
    /** Default recovery mode: refuse to open a corrupt journal. */
    public static final String RECOVERY_MODE_DEFAULT = "STRICT";

    /**
     * Whether opening checks every frame after the durable position even when the last writer ran on this boot of
     * the host, where only the tail of the last segment can be torn.
     */
    public static final String FULL_RECOVERY_SCAN_PROP_NAME = "varve.recovery.full.scan";
    /** Default: check every frame after the durable position on every open. */
    public static final boolean FULL_RECOVERY_SCAN_DEFAULT = true;

    /** Bytes of segment between sparse index entries. */
    public static final String INDEX_INTERVAL_PROP_NAME = "varve.index.interval";
    /** Default index interval: 4 KiB. */
    public static final int INDEX_INTERVAL_DEFAULT = IndexDescriptor.DEFAULT_INTERVAL;

    /** Whether the writer computes a CRC32C per frame. Without them a torn frame cannot be told from a good one. */
    public static final String FRAME_CHECKSUMS_PROP_NAME = "varve.frame.checksums";
    /** Default: checksums on. */
    public static final boolean FRAME_CHECKSUMS_DEFAULT = true;

    /** Whether the next segment's pages are touched by writing before the writer reaches them. */
    public static final String PRE_TOUCH_PROP_NAME = "varve.segment.pretouch";
    /** Default: pre-touch on. */
    public static final boolean PRE_TOUCH_DEFAULT = true;

    /** How the writer puts frames into segment files: {@code MAPPED} or {@code POSITIONAL}. */
    public static final String WRITE_MODE_PROP_NAME = "varve.write.mode";
    /** Default: mapped. */
    public static final WriteMode WRITE_MODE_DEFAULT = WriteMode.MAPPED;

    /**
     * Bytes of the staging buffer a {@link WriteMode#POSITIONAL} writer frames records into before it writes them to
     * the segment file; grown to hold the largest frame if smaller.
     */
    public static final String STAGING_BUFFER_LENGTH_PROP_NAME = "varve.staging.buffer.length";
    /** Default: 64 KiB. */
    public static final int STAGING_BUFFER_LENGTH_DEFAULT = 64 * 1024;

    /**
     * How long a {@link WriteMode#POSITIONAL} writer may hold a record appended outside a batch in its staging buffer
     * before an append writes the buffer out, as an ISO-8601 duration; {@code PT0S} writes every record before its
     * append returns.
     */
    public static final String MAX_STAGING_DELAY_PROP_NAME = "varve.staging.max.delay";
    /** Default: zero, every direct append is written before it returns. */
    public static final String MAX_STAGING_DELAY_DEFAULT = "PT0S";

    /**
     * Whether the background thread prepares the next segment before the appender needs it. On, a journal holds one
     * more segment on disk than it has started (129 MiB for a new journal with the 64 MiB default), and a roll costs
     * the appender a header write. Off, the journal holds only the segments it started, and each roll waits for the
     * next segment to be allocated, zero-filled and mapped (up to 0.29 s for 64 MiB measured on a 2-vCPU VM).
     */
    public static final String PREPARE_AHEAD_PROP_NAME = "varve.segment.prepare.ahead";
    /** Default: prepare the next segment ahead. */
    public static final boolean PREPARE_AHEAD_DEFAULT = true;

    /**
     * Time bound of a segment, as an ISO-8601 duration ({@code PT24H}, {@code P1D}) or {@code none}: a started
     * segment older than this rolls at the next append, whatever its size.
     */
    public static final String SEGMENT_MAX_AGE_PROP_NAME = "varve.segment.max.age";
    /** Default: none, segments roll by size only. */
    public static final String SEGMENT_MAX_AGE_DEFAULT = "none";

    /** Whether every record reads the clock for its timestamp instead of sharing a reading with up to 15 others. */
    public static final String EXACT_TIMESTAMPS_PROP_NAME = "varve.timestamps.exact";
    /** Default: amortised timestamps. */
    public static final boolean EXACT_TIMESTAMPS_DEFAULT = false;

    /** Retention: {@code unlimited} or e.g. {@code bytes:100g,age:7d,segments:1000}. */
    public static final String RETENTION_PROP_NAME = "varve.retention";
    /** Default retention: keep everything. */
    public static final String RETENTION_DEFAULT = "unlimited";

    /**
     * The one JVM flag Varve needs, for Agrona's access to {@code jdk.internal.misc.Unsafe}, when Agrona is on the
     * class path; on the module path it ends in {@code =org.agrona} ({@link RuntimeRequirements#requiredJvmFlag()}).
     */
    public static final String REQUIRED_JVM_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private JournalConfiguration()
    {
    }

    /**
     * Segment length from its system property or the default.
     *
     * @return bytes.
     */
    public static int segmentLength()
    {
        return Integer.getInteger(SEGMENT_LENGTH_PROP_NAME, SEGMENT_LENGTH_DEFAULT);
    }

    /**
     * Largest record from its system property or the default.
     *
     * @return bytes.
     */
    public static int maxRecordLength()
    {
        return Integer.getInteger(MAX_RECORD_LENGTH_PROP_NAME, MAX_RECORD_LENGTH_DEFAULT);
    }

    /**
     * Fsync policy from its system property or the default.
     *
     * @return the policy.
     */
    public static FsyncPolicy fsyncPolicy()
    {
        return FsyncPolicy.parse(System.getProperty(FSYNC_POLICY_PROP_NAME, FSYNC_POLICY_DEFAULT));
    }

    /**
     * File permissions from their system property or the default.
     *
     * @return permissions in {@code rw-r-----} form.
     */
    public static String filePermissions()
    {
        return System.getProperty(FILE_PERMISSIONS_PROP_NAME, FILE_PERMISSIONS_DEFAULT);
    }

    /**
     * Recovery mode from its system property or the default.
     *
     * @return the mode.
     */
    public static RecoveryMode recoveryMode()
    {
        return RecoveryMode.valueOf(System.getProperty(RECOVERY_MODE_PROP_NAME, RECOVERY_MODE_DEFAULT));
    }

    /**
     * Index interval from its system property or the default.
     *
     * @return bytes.
     */
    public static int indexInterval()
    {
        return Integer.getInteger(INDEX_INTERVAL_PROP_NAME, INDEX_INTERVAL_DEFAULT);
    }

    /**
     * Whether recovery checks every frame after the durable position on the writer's own boot too, from the system
     * property or the default.
     *
     * @return true when on.
     */
    public static boolean fullRecoveryScan()
    {
        final String value = System.getProperty(FULL_RECOVERY_SCAN_PROP_NAME);
        return value == null ? FULL_RECOVERY_SCAN_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Whether frames carry checksums, from the system property or the default.
     *
     * @return true when on.
     */
    public static boolean frameChecksums()
    {
        final String value = System.getProperty(FRAME_CHECKSUMS_PROP_NAME);
        return value == null ? FRAME_CHECKSUMS_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Whether to pre-touch segments, from the system property or the default.
     *
     * @return true when on.
     */
    public static boolean preTouch()
    {
        final String value = System.getProperty(PRE_TOUCH_PROP_NAME);
        return value == null ? PRE_TOUCH_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Write mode from the system property or the default.
     *
     * @return the mode.
     * @throws JournalConfigurationException when the property names no mode.
     */
    public static WriteMode writeMode()
    {
        final String value = System.getProperty(WRITE_MODE_PROP_NAME);
        if (value == null)
        {
            return WRITE_MODE_DEFAULT;
        }
        try
        {
            return WriteMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JournalConfigurationException(
                WRITE_MODE_PROP_NAME + " must be MAPPED or POSITIONAL: " + WRITE_MODE_PROP_NAME + "=" + value, ex);
        }
    }

    /**
     * Staging buffer length from the system property or the default.
     *
     * @return bytes.
     */
    public static int stagingBufferLength()
    {
        return Integer.getInteger(STAGING_BUFFER_LENGTH_PROP_NAME, STAGING_BUFFER_LENGTH_DEFAULT);
    }

    /**
     * Maximum staging delay from the system property or the default.
     *
     * @return the delay.
     * @throws JournalConfigurationException when the property is not an ISO-8601 duration.
     */
    public static Duration maxStagingDelay()
    {
        final String value = System.getProperty(MAX_STAGING_DELAY_PROP_NAME, MAX_STAGING_DELAY_DEFAULT);
        try
        {
            return Duration.parse(value);
        }
        catch (final DateTimeParseException ex)
        {
            throw new JournalConfigurationException(MAX_STAGING_DELAY_PROP_NAME +
                " must be an ISO-8601 duration such as PT0.001S: " + MAX_STAGING_DELAY_PROP_NAME + "=" + value, ex);
        }
    }

    /**
     * Whether to prepare the next segment ahead, from the system property or the default.
     *
     * @return true when on.
     */
    public static boolean prepareAhead()
    {
        final String value = System.getProperty(PREPARE_AHEAD_PROP_NAME);
        return value == null ? PREPARE_AHEAD_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Time bound of a segment from the system property or the default.
     *
     * @return the bound, or null for none.
     */
    public static Duration segmentMaxAge()
    {
        final String value = System.getProperty(SEGMENT_MAX_AGE_PROP_NAME, SEGMENT_MAX_AGE_DEFAULT);
        if ("none".equals(value))
        {
            return null;
        }
        try
        {
            return Duration.parse(value);
        }
        catch (final DateTimeParseException ex)
        {
            throw new JournalConfigurationException(
                SEGMENT_MAX_AGE_PROP_NAME + " must be an ISO-8601 duration such as PT24H, or none: " +
                SEGMENT_MAX_AGE_PROP_NAME + "=" + value, ex);
        }
    }

    /**
     * Whether timestamps are exact, from the system property or the default.
     *
     * @return true when exact.
     */
    public static boolean exactTimestamps()
    {
        final String value = System.getProperty(EXACT_TIMESTAMPS_PROP_NAME);
        return value == null ? EXACT_TIMESTAMPS_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Retention from its system property or the default.
     *
     * @return the policy.
     */
    public static RetentionPolicy retention()
    {
        return RetentionPolicy.parse(System.getProperty(RETENTION_PROP_NAME, RETENTION_DEFAULT));
    }
}
