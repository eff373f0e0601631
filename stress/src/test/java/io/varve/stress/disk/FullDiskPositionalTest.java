package io.varve.stress.disk;

import io.varve.stress.PositionalTorture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link FullDiskTest} with the writers in {@code WriteMode.POSITIONAL}: the file size limit then refuses a positional
 * write into a sparse segment as well as an allocation. Half the mapped run's limits.
 */
class FullDiskPositionalTest extends FullDiskTest
{
    @BeforeAll
    static void positional()
    {
        PositionalTorture.on("varve.stress.limits", 12);
    }

    @AfterAll
    static void mapped()
    {
        PositionalTorture.off("varve.stress.limits");
    }
}
