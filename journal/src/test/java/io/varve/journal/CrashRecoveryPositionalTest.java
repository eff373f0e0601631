package io.varve.journal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link CrashRecoveryTest} with the writer in {@code WriteMode.POSITIONAL}.
 */
class CrashRecoveryPositionalTest extends CrashRecoveryTest
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
