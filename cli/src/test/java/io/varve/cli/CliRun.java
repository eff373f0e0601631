package io.varve.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs a varve command in this JVM and captures what it prints.
 */
record CliRun(int exitCode, String out, String err)
{
    static CliRun run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exitCode = VarveCommand.run(outStream, errStream, args);
        }
        return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public String toString()
    {
        return "exit=" + exitCode + "\nout:\n" + out + "\nerr:\n" + err;
    }
}
