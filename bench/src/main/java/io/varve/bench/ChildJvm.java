package io.varve.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the suite's class path with the flags of one system only (see {@link ForkFlags}). Its output is
 * copied to a log file, and lines it prints are kept so that the parent can wait for a marker such as
 * {@code READY} and read the figures it reports.
 * <p>
 * Threading: start and wait from one thread; a daemon thread copies the output.
 */
public final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread copier;

    private ChildJvm(final Process process, final Path log)
    {
        this.process = process;
        this.copier = new Thread(() -> copy(log), "child-output-" + process.pid());
        copier.setDaemon(true);
        copier.start();
    }

    /**
     * The command that starts a child JVM.
     *
     * @param system     whose flags it gets.
     * @param properties extra system properties, as {@code -Dname=value}.
     * @param main       class to run.
     * @param args       for its main.
     * @return the command.
     */
    public static List<String> command(
        final BenchSystem system, final List<String> properties, final Class<?> main, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ForkFlags.forSystem(system));
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        return command;
    }

    /**
     * Start a child JVM.
     *
     * @param command from {@link #command(BenchSystem, List, Class, List)}.
     * @param log     file its output is appended to.
     * @return the running child.
     */
    public static ChildJvm start(final List<String> command, final Path log)
    {
        try
        {
            return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start child JVM: command=" + command, ex);
        }
    }

    /**
     * Wait for a line that starts with a prefix.
     *
     * @param prefix         of the line.
     * @param timeoutSeconds to wait.
     * @return the line.
     * @throws IllegalStateException when the child exits or the time runs out first.
     */
    public String awaitLine(final String prefix, final long timeoutSeconds)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() - deadline < 0)
        {
            synchronized (lines)
            {
                for (final String line : lines)
                {
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }
                if (!process.isAlive() && !copier.isAlive())
                {
                    break;
                }
            }
            MemoryState.pause(1);
        }
        throw new IllegalStateException("child JVM " + process.pid() + " printed no line starting '" + prefix +
            "' (alive=" + process.isAlive() + "); its output: " + output());
    }

    /**
     * Wait for the child to exit and check it succeeded.
     *
     * @param timeoutSeconds to wait before killing it.
     * @throws IllegalStateException when it fails or times out.
     */
    public void awaitSuccess(final long timeoutSeconds)
    {
        try
        {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("child JVM " + process.pid() + " did not finish within " +
                    timeoutSeconds + "s; its output: " + output());
            }
            copier.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for child JVM " + process.pid(), ex);
        }
        if (process.exitValue() != 0)
        {
            throw new IllegalStateException("child JVM " + process.pid() + " failed: exit=" + process.exitValue() +
                "; its output: " + output());
        }
    }

    /**
     * Kill the child with SIGKILL, as a crash would, and wait until it is gone.
     */
    public void kill()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Everything the child printed so far.
     *
     * @return the lines, joined.
     */
    public String output()
    {
        synchronized (lines)
        {
            return String.join("\n", lines);
        }
    }

    /**
     * Kill the child if it is still running.
     */
    public void close()
    {
        if (process.isAlive())
        {
            kill();
        }
    }

    private void copy(final Path log)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintStream out = new PrintStream(Files.newOutputStream(log,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true,
                StandardCharsets.UTF_8))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                out.println(line);
                synchronized (lines)
                {
                    lines.add(line);
                }
            }
        }
        catch (final IOException ex)
        {
            synchronized (lines)
            {
                lines.add("(output lost: " + ex + ")");
            }
        }
    }
}
