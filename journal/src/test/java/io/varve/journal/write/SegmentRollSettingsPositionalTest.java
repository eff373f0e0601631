package io.varve.journal.write;

import io.varve.journal.PositionalMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link SegmentRollSettingsTest} with the writer in {@code WriteMode.POSITIONAL}.
 */
class SegmentRollSettingsPositionalTest extends SegmentRollSettingsTest
{
    @BeforeAll
    static void positional()
    {
        PositionalMode.on();
    }

    @AfterAll
    static void mapped()
    {
        PositionalMode.off();
    }
}
