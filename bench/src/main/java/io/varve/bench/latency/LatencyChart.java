package io.varve.bench.latency;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A percentile chart in the form HdrHistogram users know: latency in microseconds on a log scale against the
 * percentile, spread so that 90%, 99%, 99.9% ... each get the same width. Every system is a line on the same
 * chart; the noise floor can be drawn beside them. Rendered headless to PNG with XChart.
 * <p>
 * Threading: static methods, no state; AWT runs headless.
 */
public final class LatencyChart
{
    /** Width of a chart in pixels. */
    public static final int WIDTH = 820;
    /** Height of a chart in pixels. */
    public static final int HEIGHT = 480;

    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double PERCENT = 100.0;

    private LatencyChart()
    {
    }

    /**
     * Write a PNG chart.
     *
     * @param title  of the chart.
     * @param series name to histogram (nanoseconds), in legend order.
     * @param file   to write, ending in {@code .png}.
     */
    public static void write(final String title, final Map<String, Histogram> series, final Path file)
    {
        System.setProperty("java.awt.headless", "true");
        final XYChart chart = new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("percentile")
            .yAxisTitle("latency (us)")
            .build();
        chart.getStyler().setXAxisTickLabelsFormattingFunction(LatencyChart::percentileLabel);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (final Map.Entry<String, Histogram> entry : series.entrySet())
        {
            final List<Double> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            points(entry.getValue(), x, y);
            if (!x.isEmpty())
            {
                final XYSeries line = chart.addSeries(entry.getKey(), x, y);
                line.setMarker(SeriesMarkers.NONE);
            }
        }
        try
        {
            ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write chart " + file, ex);
        }
    }

    private static void points(final Histogram histogram, final List<Double> x, final List<Double> y)
    {
        final long count = histogram.getTotalCount();
        if (count == 0)
        {
            return;
        }
        for (final HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE))
        {
            final double percentile = value.getPercentileLevelIteratedTo();
            if (percentile >= PERCENT)
            {
                break;
            }
            x.add(1.0 / (1.0 - percentile / PERCENT));
            y.add(Math.max(value.getValueIteratedTo() / HistogramFiles.NANOS_PER_MICRO, 0.001));
        }
        x.add((double)count);
        y.add(Math.max(histogram.getMaxValue() / HistogramFiles.NANOS_PER_MICRO, 0.001));
    }

    private static String percentileLabel(final Double spread)
    {
        final double percentile = PERCENT * (1.0 - 1.0 / spread);
        if (percentile < 0.5)
        {
            return "0%";
        }
        return String.format(Locale.ROOT, "%s%%", trim(percentile));
    }

    private static String trim(final double value)
    {
        final String text = String.format(Locale.ROOT, "%.6f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }
}
