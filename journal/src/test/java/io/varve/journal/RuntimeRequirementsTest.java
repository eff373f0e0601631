package io.varve.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeRequirementsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameTheMissingFlagWhenOpeningWithoutIt() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.startWithoutAgronaFlag(ChildWriter.class, "open", dir.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("FAILED Varve needs the JVM flag " +
            "'--add-exports java.base/jdk.internal.misc=ALL-UNNAMED'"), result.output());
    }

    @Test
    void shouldPassWithTheFlag()
    {
        RuntimeRequirements.check();
    }
}
