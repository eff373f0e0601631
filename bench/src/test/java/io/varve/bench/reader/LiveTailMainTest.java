package io.varve.bench.reader;

import io.varve.bench.BenchSystem;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveTailMainTest
{
    @Test
    void shouldTakePercentilesByNearestRank()
    {
        final long[] lags = { 9, 1, 5, 3, 7, 2, 8, 4, 6, 10 };

        assertEquals(5, LiveTailMain.percentile(lags.clone(), 50));
        assertEquals(10, LiveTailMain.percentile(lags.clone(), 99));
        assertEquals(10, LiveTailMain.percentile(lags.clone(), 100));
        assertEquals(1, LiveTailMain.percentile(lags.clone(), 0));
        assertEquals(-1, LiveTailMain.percentile(new long[0], 50));
    }

    @Test
    void shouldCallLagGrowingOnlyWhenTheLastQuarterIsWellAboveTheFirst()
    {
        assertFalse(live(0, 0).lagGrows(), "no lag");
        assertFalse(live(100, ReaderSuite.LiveResult.LAG_FLOOR).lagGrows(), "within the floor");
        assertFalse(live(10_000, 20_000).lagGrows(), "at most twice the first quarter");
        assertTrue(live(10_000, 20_001).lagGrows(), "more than twice the first quarter");
        assertTrue(live(0, ReaderSuite.LiveResult.LAG_FLOOR + 1).lagGrows(), "above the floor from nothing");
    }

    private static ReaderSuite.LiveResult live(final long firstQuarter, final long lastQuarter)
    {
        return new ReaderSuite.LiveResult(BenchSystem.VARVE, 1, 1000, 1e6, 1e6, 10, 0, 0, 0, firstQuarter,
            lastQuarter);
    }
}
