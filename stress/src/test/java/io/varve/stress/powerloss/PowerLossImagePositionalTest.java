package io.varve.stress.powerloss;

import io.varve.stress.PositionalTorture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link PowerLossImageTest} with the journal written in {@code WriteMode.POSITIONAL} (sparse segment files, writes
 * through the staging buffer, the mode recorded in the metadata the images carry). Half the mapped run's images.
 */
class PowerLossImagePositionalTest extends PowerLossImageTest
{
    @BeforeAll
    static void positional()
    {
        PositionalTorture.on("varve.stress.images", 1000);
    }

    @AfterAll
    static void mapped()
    {
        PositionalTorture.off("varve.stress.images");
    }
}
