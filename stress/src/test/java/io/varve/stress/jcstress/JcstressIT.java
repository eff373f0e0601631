package io.varve.stress.jcstress;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the shaded {@code target/jcstress.jar} as a user would, {@code java -jar target/jcstress.jar -m MODE ...},
 * after the package phase built it, and fails the build when any jcstress test saw a forbidden outcome or broke.
 * <p>
 * Three checks, so that the gate cannot pass by running nothing: jcstress's exit code (0.16 ends with an
 * {@code AssertionError}, exit 1, on any failure), its summary line, whose planned and passed counts must be equal
 * and cover every test listed in the jar's {@code META-INF/TestList}, and its report of no failed and no error
 * tests. The output is kept in {@code target/jcstress-results/output.txt}, the HTML report beside it.
 * <p>
 * CI runs {@code -m sanity} on a single JVM configuration ({@code varve.jcstress.args}); the long run
 * (docs/RELIABILITY.md) sets the mode and clears the arguments, so every VM configuration jcstress finds is used.
 */
class JcstressIT
{
    private static final Pattern SUMMARY = Pattern.compile(
        "\\(Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs\\)");

    @Test
    void shouldObserveNoForbiddenOutcomeInAnyProtocol() throws Exception
    {
        final Path jar = Path.of(System.getProperty("varve.jcstress.jar", "target/jcstress.jar"));
        final Path results = Path.of(System.getProperty("varve.jcstress.results", "target/jcstress-results"));
        final String mode = System.getProperty("varve.jcstress.mode", "sanity");
        final String tests = System.getProperty("varve.jcstress.tests", "io\\.varve\\..*");
        final String extra = System.getProperty("varve.jcstress.args", "");
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run the package phase first");
        Files.createDirectories(results);

        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toAbsolutePath().toString(),
            "-m", mode, "-t", tests, "-r", results.toAbsolutePath().toString()));
        for (final String arg : extra.trim().split("\\s+"))
        {
            if (!arg.isEmpty())
            {
                command.add(arg);
            }
        }
        System.out.println("JcstressIT: " + String.join(" ", command));
        final Path output = results.resolve("output.txt");
        // jcstress writes its binary results file into the working directory: keep it under target/
        final Process process = new ProcessBuilder(command).directory(results.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        assertTrue(process.waitFor(3, TimeUnit.HOURS), "jcstress did not finish");
        final String text = Files.readString(output, StandardCharsets.UTF_8);
        final int exitCode = process.exitValue();

        final Matcher matcher = SUMMARY.matcher(text);
        String summary = null;
        while (matcher.find())
        {
            summary = matcher.group();
        }
        assertNotNull(summary, "no jcstress summary in " + output + ":\n" + tail(text));
        System.out.println("JcstressIT: " + summary);
        assertEquals(0, exitCode, "jcstress failed; see " + output + " and " + results.resolve("index.html") +
            ":\n" + tail(text));
        final Matcher last = SUMMARY.matcher(summary);
        assertTrue(last.matches());
        final long planned = Long.parseLong(last.group(1));
        final long passed = Long.parseLong(last.group(2));
        assertEquals(planned, passed, summary);
        assertTrue(planned >= listedTests(jar, tests), summary + " covers fewer runs than the jar lists tests");
        assertTrue(text.contains("Failed tests: No matches.") && text.contains("Error tests: No matches."),
            tail(text));
    }

    private static long listedTests(final Path jar, final String tests) throws IOException
    {
        final Pattern selector = Pattern.compile(tests);
        try (JarFile file = new JarFile(jar.toFile()); InputStream in = file.getInputStream(
            file.getEntry("META-INF/TestList")))
        {
            final String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // each line starts JCTEST, then the test's name as LENGTH S NAME
            final long count = list.lines().filter((line) ->
            {
                final Matcher length = Pattern.compile("^JCTEST(\\d+)S").matcher(line);
                return length.find() && selector.matcher(
                    line.substring(length.end(), length.end() + Integer.parseInt(length.group(1)))).matches();
            }).count();
            assertTrue(count > 0, "the jar lists no jcstress test matching " + tests);
            return count;
        }
    }

    private static String tail(final String text)
    {
        final List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
