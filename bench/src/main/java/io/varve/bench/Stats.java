package io.varve.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Medians, ranges and the number formats of the summary.
 * <p>
 * Threading: static methods, no state.
 */
public final class Stats
{
    private static final double MILLION = 1e6;
    private static final double THOUSAND = 1e3;

    private Stats()
    {
    }

    /**
     * Median; the mean of the two middle values for an even count.
     *
     * @param values to take the median of.
     * @return the median, NaN when empty.
     */
    public static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter((v) -> !Double.isNaN(v))
            .sorted().toArray();
        if (sorted.length == 0)
        {
            return Double.NaN;
        }
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * Smallest value.
     *
     * @param values to search.
     * @return the minimum, NaN when empty.
     */
    public static double min(final List<Double> values)
    {
        return Arrays.stream(values.stream().mapToDouble(Double::doubleValue).toArray()).min().orElse(Double.NaN);
    }

    /**
     * Largest value.
     *
     * @param values to search.
     * @return the maximum, NaN when empty.
     */
    public static double max(final List<Double> values)
    {
        return Arrays.stream(values.stream().mapToDouble(Double::doubleValue).toArray()).max().orElse(Double.NaN);
    }

    /**
     * A rate in a short form: {@code 12.3M}, {@code 450k}, {@code 2,210}.
     *
     * @param value per second.
     * @return the text.
     */
    public static String rate(final double value)
    {
        if (Double.isNaN(value))
        {
            return "n/a";
        }
        if (value >= MILLION)
        {
            return String.format(Locale.ROOT, "%.2fM", value / MILLION);
        }
        if (value >= 100 * THOUSAND)
        {
            return String.format(Locale.ROOT, "%.0fk", value / THOUSAND);
        }
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /**
     * A median with its range: {@code 12.3M (11.9M-12.8M)}, or the value alone for one sample.
     *
     * @param values the samples.
     * @return the text.
     */
    public static String rateWithRange(final List<Double> values)
    {
        final String median = rate(median(values));
        return values.size() < 2 ? median : median + " (" + rate(min(values)) + "–" + rate(max(values)) + ")";
    }

    /**
     * A ratio: {@code 2.31x}.
     *
     * @param value the ratio.
     * @return the text.
     */
    public static String ratio(final double value)
    {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
    }

    /**
     * A number with a fixed count of decimals.
     *
     * @param value    the number.
     * @param decimals after the point.
     * @return the text, {@code n/a} for NaN.
     */
    public static String decimal(final double value, final int decimals)
    {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
