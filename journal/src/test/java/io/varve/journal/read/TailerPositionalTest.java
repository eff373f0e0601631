package io.varve.journal.read;

import io.varve.journal.PositionalMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link TailerTest} with the writer in {@code WriteMode.POSITIONAL}.
 */
class TailerPositionalTest extends TailerTest
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
