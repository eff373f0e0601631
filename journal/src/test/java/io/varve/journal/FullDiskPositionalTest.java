package io.varve.journal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link FullDiskTest} with the writer in {@code WriteMode.POSITIONAL}.
 */
class FullDiskPositionalTest extends FullDiskTest
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
