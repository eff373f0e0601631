package io.varve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunTheDemoEndToEnd()
    {
        final CliRun run = CliRun.run("demo", "--dir", dir.resolve("demo").toString(), "--count", "100000");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("records/s"), run.out());
        assertTrue(run.out().contains("OK: "), run.out());
    }
}
