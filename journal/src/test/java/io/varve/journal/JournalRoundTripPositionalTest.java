package io.varve.journal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link JournalRoundTripTest} with the writer in {@code WriteMode.POSITIONAL}.
 */
class JournalRoundTripPositionalTest extends JournalRoundTripTest
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
