package io.varve.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real child JVM on the test class path, optionally under {@code ulimit -f}, for tests that need another
 * process: a second writer, a writer killed with SIGKILL, a writer on a full disk, a JVM without the Agrona flag.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    public static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static List<String> command(final boolean withAgronaFlag, final Class<?> main, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        if (withAgronaFlag)
        {
            command.add("--add-exports");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        final String writeMode = System.getProperty(JournalConfiguration.WRITE_MODE_PROP_NAME);
        if (writeMode != null)
        {
            // a test class run in the positional mode runs its children in it too
            command.add("-D" + JournalConfiguration.WRITE_MODE_PROP_NAME + "=" + writeMode);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    public static Process start(final Class<?> main, final String... args) throws IOException
    {
        return new ProcessBuilder(command(true, main, args)).redirectErrorStream(true).start();
    }

    /**
     * Start a child whose files may grow to at most {@code limitBytes} (rounded down to KiB), as a full disk would.
     */
    public static Process startWithFileSizeLimit(final long limitBytes, final Class<?> main, final String... args)
        throws IOException
    {
        final StringBuilder script = new StringBuilder("ulimit -f ").append(limitBytes / 1024).append("; exec");
        for (final String part : command(true, main, args))
        {
            script.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        return new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true).start();
    }

    public static Process startWithoutAgronaFlag(final Class<?> main, final String... args) throws IOException
    {
        return new ProcessBuilder(command(false, main, args)).redirectErrorStream(true).start();
    }

    /**
     * Read every line the child prints until it exits, and its exit code.
     */
    public static Result runToEnd(final Process process, final long timeoutSeconds) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    synchronized (lines)
                    {
                        lines.add(line);
                    }
                }
            }
            catch (final IOException ignore)
            {
                // the process went away
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish within " + timeoutSeconds + "s: " + lines);
        }
        reader.join(10_000);
        synchronized (lines)
        {
            return new Result(process.exitValue(), List.copyOf(lines));
        }
    }

    public record Result(int exitCode, List<String> lines)
    {
        public String output()
        {
            return String.join("\n", lines);
        }
    }
}
