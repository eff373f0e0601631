package io.varve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar runs with plain {@code java -jar}: its manifest's Add-Exports supplies the one flag. And a JVM
 * without the flag gets a message naming it, not an IllegalAccessError.
 */
class VarveJarIT
{
    @TempDir
    Path dir;

    private static String java()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(final List<String> command, final int expectedExit) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(expectedExit, process.exitValue(), output);
        return output;
    }

    @Test
    void shouldRunFromTheJarWithNoFlags() throws Exception
    {
        final Path jar = Path.of("target", "varve-cli.jar");
        assertTrue(Files.exists(jar), "the shaded jar is built in the package phase");
        final String output = run(List.of(java(), "-jar", jar.toString(), "append", dir.toString(),
            "--count", "10000", "--size", "64", "--segment-size", "64k"), 0);
        assertTrue(output.contains("records/s"), output);
        assertTrue(!output.contains("WARNING"), "no JVM warnings: " + output);
        assertTrue(run(List.of(java(), "-jar", jar.toString(), "verify", dir.toString()), 0).contains("OK:"));
    }

    @Test
    void shouldImportAChronicleQueueFromTheJarWithNoFlags() throws Exception
    {
        final Path jar = Path.of("target", "varve-cli.jar");
        final Path queue = dir.resolve("queue");
        ChronicleQueueFixture.write(queue, 2, 500);
        final String output = run(List.of(java(), "-jar", jar.toString(), "import-chronicle", queue.toString(),
            dir.resolve("journal").toString(), "--verify", "--no-progress"), 0);
        assertTrue(output.contains("imported 1000 excerpts"), output);
        assertTrue(output.contains("verify: OK: 1000 records"), output);
        assertTrue(!output.contains("WARNING") && !output.contains("WARN "), "no JVM or Chronicle warnings: " + output);
    }

    @Test
    void shouldNameTheFlagWhenItIsMissing() throws Exception
    {
        final String output = run(List.of(java(), "-cp", System.getProperty("java.class.path"),
            VarveCommand.class.getName(), "verify", dir.toString()), 2);
        assertTrue(output.contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), output);
    }
}
