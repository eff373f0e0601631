package io.varve.journal.read;

import io.varve.journal.PositionalMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link TailerAllocationTest} with the writer in {@code WriteMode.POSITIONAL}: a million direct appends,
 * each written with a positional write, and the polls bounded by the counter allocate nothing.
 */
class TailerAllocationPositionalTest extends TailerAllocationTest
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
