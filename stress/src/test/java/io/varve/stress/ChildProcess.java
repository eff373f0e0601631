package io.varve.stress;

import io.varve.journal.JournalConfiguration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test class path, talked to over pipes: lines it prints are queued as they arrive (stderr
 * merged into stdout), lines sent go to its stdin. {@link #kill()} is a real SIGKILL.
 */
public final class ChildProcess implements AutoCloseable
{
    private static final String END = "\u0000END";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Writer input;
    private boolean ended;

    private ChildProcess(final Process process)
    {
        this.process = process;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        final Thread reader = new Thread(this::readLines, "child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The command that runs a main class in a child JVM with the Agrona flag and Agrona's bounds checks on.
     */
    public static List<String> javaCommand(final String heap, final Class<?> main, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Dagrona.disable.bounds.checks=false");
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xss512k");
        final String writeMode = System.getProperty(JournalConfiguration.WRITE_MODE_PROP_NAME);
        if (writeMode != null)
        {
            // a torture run in the positional mode runs its writers in it too
            command.add("-D" + JournalConfiguration.WRITE_MODE_PROP_NAME + "=" + writeMode);
        }
        final String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null)
        {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    public static ChildProcess start(final List<String> command)
    {
        try
        {
            return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + command, ex);
        }
    }

    public static ChildProcess java(final Class<?> main, final String... args)
    {
        return start(javaCommand("128m", main, args));
    }

    /**
     * A child JVM whose files may grow to at most {@code limitBytes}, rounded down to KiB ({@code ulimit -f}), as on
     * a full disk. The shell execs the JVM, so the child's PID is the JVM's.
     */
    public static ChildProcess javaWithFileSizeLimit(final long limitBytes, final Class<?> main, final String... args)
    {
        final StringBuilder script = new StringBuilder("ulimit -f ").append(limitBytes / 1024).append(" && exec");
        for (final String part : javaCommand("128m", main, args))
        {
            script.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        return start(List.of("bash", "-c", script.toString()));
    }

    private void readLines()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // the child went away; END follows
        }
        lines.add(END);
    }

    public long pid()
    {
        return process.pid();
    }

    /**
     * The next line, waiting up to a timeout.
     *
     * @return the line, or null when the child closed its output.
     * @throws AssertionError when nothing arrived in time.
     */
    public String nextLine(final long timeoutMillis)
    {
        if (ended)
        {
            return null;
        }
        try
        {
            final String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (line == null)
            {
                throw new AssertionError("child " + pid() + " printed nothing for " + timeoutMillis + " ms; so far: " +
                    tail());
            }
            if (END.equals(line))
            {
                ended = true;
                return null;
            }
            seen.add(line);
            return line;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /**
     * The next line if one arrives before a deadline.
     *
     * @return the line, or null at the deadline or the end of the output.
     */
    public String pollLine(final long deadlineNanos)
    {
        if (ended)
        {
            return null;
        }
        try
        {
            final String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null)
            {
                return null;
            }
            if (END.equals(line))
            {
                ended = true;
                return null;
            }
            seen.add(line);
            return line;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /**
     * The next line starting with a prefix, skipping others (log lines).
     */
    public String awaitLine(final String prefix, final long timeoutMillis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            final String line = nextLine(Math.max(1, left));
            if (line == null)
            {
                throw new AssertionError("child " + pid() + " ended before printing '" + prefix + "': " + tail());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    public void send(final String line)
    {
        try
        {
            input.write(line);
            input.write('\n');
            input.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("child " + pid() + " no longer reads its input: " + tail(), ex);
        }
    }

    /**
     * SIGKILL, through the process handle so our end of its pipes stays open and what it printed can be drained.
     */
    public void kill()
    {
        process.toHandle().destroyForcibly();
        waitFor(30_000);
    }

    /**
     * Wait for the child to exit.
     *
     * @return its exit code.
     */
    public int waitFor(final long timeoutMillis)
    {
        try
        {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS))
            {
                process.toHandle().destroyForcibly();
                throw new AssertionError("child " + pid() + " did not exit within " + timeoutMillis + " ms: " + tail());
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /**
     * Every remaining line until the child's output ends; call after it exited.
     */
    public List<String> drain()
    {
        final List<String> rest = new ArrayList<>();
        String line;
        while ((line = nextLine(30_000)) != null)
        {
            rest.add(line);
        }
        return rest;
    }

    /**
     * The last lines seen, for messages.
     */
    public String tail()
    {
        final List<String> recent = seen.subList(Math.max(0, seen.size() - 30), seen.size());
        return String.join("\n", recent);
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public void close()
    {
        if (process.isAlive())
        {
            process.toHandle().destroyForcibly();
            waitFor(30_000);
        }
    }
}
