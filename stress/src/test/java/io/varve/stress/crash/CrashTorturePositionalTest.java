package io.varve.stress.crash;

import io.varve.stress.PositionalTorture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CrashTortureTest} with the writers in {@code WriteMode.POSITIONAL}: a SIGKILL may land between a batch's
 * write and its counter store, or with records staged and not written; every acknowledged (synced) record must
 * survive all the same. Half the mapped run's cycles.
 */
class CrashTorturePositionalTest extends CrashTortureTest
{
    @BeforeAll
    static void positional()
    {
        PositionalTorture.on("varve.stress.cycles", 30);
    }

    @AfterAll
    static void mapped()
    {
        PositionalTorture.off("varve.stress.cycles");
    }
}
