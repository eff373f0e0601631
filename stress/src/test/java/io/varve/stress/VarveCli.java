package io.varve.stress;

import io.varve.cli.VarveCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code varve} command, run in process through {@link VarveCommand#run(PrintStream, PrintStream, String...)}.
 */
public final class VarveCli
{
    private VarveCli()
    {
    }

    /**
     * What a command printed and returned.
     *
     * @param exitCode as the process would exit.
     * @param out      standard output, by line.
     * @param err      standard error.
     */
    public record Result(int exitCode, List<String> out, String err)
    {
        public String firstLine()
        {
            return out.isEmpty() ? "" : out.get(0);
        }
    }

    public static Result run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exitCode = VarveCommand.run(outStream, errStream, args);
        }
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8).lines().toList(),
            err.toString(StandardCharsets.UTF_8));
    }

    public static Result verify(final Path directory)
    {
        return run("verify", directory.toString());
    }
}
