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
        final CliRun run = CliRun.run("demo", "--dir", dir.resolve("demo").toString(), "--duration", "2",
            "--rate", "200000");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("t= 1s  published"), run.out());
        assertTrue(run.out().contains("tailer lag"), run.out());
        assertTrue(run.out().contains("equal the live ones and the producers': YES"), run.out());
        assertTrue(run.out().contains("restart: "), run.out());
        assertTrue(run.out().contains("OK: "), run.out());
    }
}
