package io.varve.cli;

import io.varve.journal.JournalConfigurationException;
import io.varve.journal.RuntimeRequirements;
import io.varve.journal.VarveException;
import io.varve.journal.WriterLockedException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * The {@code varve} command: the top of the picocli tree.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(
    name = "varve",
    mixinStandardHelpOptions = true,
    version = "varve 0.1.0",
    description = "Varve: an off-heap, memory-mapped, append-only journal.",
    subcommands = {
        AppendCommand.class,
        VerifyCommand.class,
        TailCommand.class,
        StatCommand.class,
        DumpCommand.class,
        DescribeCommand.class,
        TuneCommand.class,
        BackupCommand.class,
        RestoreCommand.class,
        CompactCommand.class,
        RepairCommand.class,
        ImportChronicleCommand.class,
        DemoCommand.class,
        DemoFollowerCommand.class,
        AutoComplete.GenerateCompletion.class
    })
public final class VarveCommand implements Runnable
{
    /** Exit code: all is well. */
    public static final int OK = 0;
    /** Exit code: the command found a problem. */
    public static final int PROBLEM = 1;
    /** Exit code: bad usage or an I/O error. */
    public static final int USAGE_OR_IO = 2;
    /** Exit code: standard output was a pipe whose reader closed it, as a process killed by SIGPIPE reports. */
    public static final int OUTPUT_CLOSED = 128 + 13;

    final PrintStream out;
    final PrintStream err;

    /**
     * A command writing to the given streams.
     *
     * @param out for results.
     * @param err for errors.
     */
    public VarveCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    /**
     * Entry point of {@code java -jar varve-cli.jar}.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        // Buffered without auto-flush: 'varve tail' prints millions of lines; commands flush when they idle.
        final StandardOutput stdout = new StandardOutput();
        final PrintStream out = new PrintStream(new BufferedOutputStream(stdout, 1 << 16), false);
        System.exit(run(out, stdout, System.err, args));
    }

    /**
     * Run a command line against the given streams.
     *
     * @param out  for results.
     * @param err  for errors.
     * @param args command line.
     * @return the exit code.
     */
    public static int run(final PrintStream out, final PrintStream err, final String... args)
    {
        return run(out, null, err, args);
    }

    static int run(final PrintStream out, final StandardOutput stdout, final PrintStream err, final String... args)
    {
        try
        {
            RuntimeRequirements.check();
        }
        catch (final JournalConfigurationException ex)
        {
            err.println("varve: " + ex.getMessage());
            return USAGE_OR_IO;
        }
        final CommandLine commandLine = new CommandLine(new VarveCommand(out, err));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((ex, line, parseResult) ->
        {
            err.println("varve " + line.getCommandName() + ": " + describe(ex));
            // another writer holding the journal is no damage: close it first, as with a usage error
            return ex instanceof VarveException && !(ex instanceof JournalConfigurationException) &&
                !(ex instanceof WriterLockedException) ? PROBLEM : USAGE_OR_IO;
        });
        final int exitCode = commandLine.execute(args);
        if (!out.checkError()) // flushes
        {
            return exitCode;
        }
        if (stdout != null && stdout.readerWentAway())
        {
            return exitCode == OK ? OUTPUT_CLOSED : exitCode; // 'varve tail | head': the reader has what it wanted
        }
        final String reason = stdout == null || stdout.failure() == null ? "the output stream reported an error" :
            describe(stdout.failure());
        err.println("varve" + subcommand(args) + ": cannot write output: " + reason +
            " (standard output); the output is incomplete: free space or write elsewhere");
        return exitCode == OK ? USAGE_OR_IO : exitCode; // a problem the command found still says so
    }

    private static String subcommand(final String... args)
    {
        for (final String arg : args)
        {
            if (!arg.startsWith("-"))
            {
                return " " + arg;
            }
        }
        return "";
    }

    private static String describe(final Exception ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.toString() : message;
    }

    /**
     * Without a subcommand, print the usage.
     */
    public void run()
    {
        new CommandLine(this).usage(out);
    }
}
