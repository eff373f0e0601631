package io.varve.stress.corruption;

import io.varve.stress.ChildProcess;
import io.varve.stress.StressSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corruption fuzzing: runs {@link CorruptionFuzzer} in a child JVM with a 96 MiB heap, Agrona's bounds checks on
 * and {@code -XX:+ExitOnOutOfMemoryError}, so an unbounded length read from disk shows as an exit code, as does a
 * JVM crash, and a hung case as the watchdog's halt. Cases: {@code -Dvarve.stress.cases} (CI a few thousand).
 */
class CorruptionFuzzTest
{
    @Test
    void shouldDetectReportAndRefuseOrRepairEveryDamage()
    {
        final long seed = StressSettings.seed();
        final int cases = StressSettings.cases();
        System.out.println("CorruptionFuzzTest: seed=" + seed + " cases=" + cases);
        final List<String> command = new ArrayList<>(ChildProcess.javaCommand("96m", CorruptionFuzzer.class,
            Long.toString(seed), Integer.toString(cases)));
        command.add(1, "-XX:+ExitOnOutOfMemoryError");
        command.add(1, "-Dvarve.stress.memoryScratch=" + System.getProperty("varve.stress.memoryScratch", "true"));
        command.add(1, "-Dvarve.stress.scratch=" + System.getProperty("varve.stress.scratch",
            System.getProperty("java.io.tmpdir")));
        final ChildProcess child = ChildProcess.start(command);
        final List<String> failures = new ArrayList<>();
        String done = null;
        String line;
        while ((line = child.nextLine(300_000)) != null)
        {
            if (line.startsWith("FAIL ") || line.startsWith("HANG ") || line.contains("OutOfMemoryError"))
            {
                failures.add(line);
            }
            else if (line.startsWith("DONE "))
            {
                done = line;
            }
            System.out.println("CorruptionFuzzer: " + line);
        }
        final int exitCode = child.waitFor(60_000);
        assertTrue(failures.isEmpty(), "seed=" + seed + ": " + String.join("\n", failures));
        assertEquals(0, exitCode, "seed=" + seed + ": the fuzzer's JVM exited with " + exitCode + ": " + child.tail());
        assertTrue(done != null && done.startsWith("DONE cases=" + cases + " failures=0 "), "seed=" + seed + ": " +
            done);
    }
}
