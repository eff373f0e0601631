package io.varve.bench.latency;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * Histogram files of a latency run: {@code NAME.hgrm}, HdrHistogram's percentile distribution in microseconds,
 * for people and plotting tools; and {@code NAME.hdr}, the histogram itself compressed and Base64-encoded, which
 * the suite reads back for its CSV and charts. Values are recorded in nanoseconds.
 * <p>
 * Threading: static methods, no state.
 */
public final class HistogramFiles
{
    /** Largest value a histogram tracks: one minute in nanoseconds. */
    public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Significant digits kept. */
    public static final int SIGNIFICANT_DIGITS = 3;
    /** Divisor from nanoseconds to the microseconds of {@code .hgrm} files. */
    public static final double NANOS_PER_MICRO = 1000.0;

    private HistogramFiles()
    {
    }

    /**
     * A histogram for latencies in nanoseconds.
     *
     * @return an empty histogram.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }

    /**
     * Record a latency, clamped to what the histogram tracks; allocation-free.
     *
     * @param histogram to record into.
     * @param nanos     the latency.
     */
    public static void record(final Histogram histogram, final long nanos)
    {
        histogram.recordValue(Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE_NANOS));
    }

    /**
     * Write {@code prefix.hgrm} and {@code prefix.hdr}.
     *
     * @param histogram to write.
     * @param prefix    path without extension.
     */
    public static void write(final Histogram histogram, final Path prefix)
    {
        final Path hgrm = prefix.resolveSibling(prefix.getFileName() + ".hgrm");
        final Path hdr = prefix.resolveSibling(prefix.getFileName() + ".hdr");
        try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), false, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(out, NANOS_PER_MICRO);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + hgrm, ex);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        try
        {
            Files.writeString(hdr, Base64.getEncoder().encodeToString(bytes));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + hdr, ex);
        }
    }

    /**
     * Read a histogram from {@code prefix.hdr}.
     *
     * @param prefix path without extension.
     * @return the histogram.
     */
    public static Histogram read(final Path prefix)
    {
        final Path hdr = prefix.resolveSibling(prefix.getFileName() + ".hdr");
        try
        {
            final byte[] bytes = Base64.getDecoder().decode(Files.readString(hdr).trim());
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + hdr, ex);
        }
        catch (final DataFormatException ex)
        {
            throw new IllegalStateException("damaged histogram file: " + hdr, ex);
        }
    }
}
