package io.varve.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest
{
    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes()
    {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }

    @Test
    void shouldFormatRatesAndRatiosForTheSummary()
    {
        assertEquals("12.35M", Stats.rate(12_345_678));
        assertEquals("450k", Stats.rate(450_000));
        assertEquals("2,210", Stats.rate(2_210));
        assertEquals("2.00M (1.00M–3.00M)", Stats.rateWithRange(List.of(1e6, 2e6, 3e6)));
        assertEquals("2.31x", Stats.ratio(2.3123));
        assertEquals("n/a", Stats.ratio(Double.NaN));
    }
}
