package io.varve.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code varve demo}: the end-to-end showcase. Writes a batch of records across several segment rolls, closes the
 * journal, verifies every frame, and reports the rates.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the end-to-end demo: append records across segment rolls, then verify them.")
final class DemoCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", description = "Journal directory (default: a new temporary one).")
    private Path directory;

    @Option(names = "--count", paramLabel = "N", defaultValue = "2000000", description = "Records (default 2000000).")
    private long count;

    public Integer call() throws Exception
    {
        final Path dir = directory != null ? directory : Files.createTempDirectory("varve-demo-");
        parent.out.println("varve demo: journal in " + dir);
        final int appended = VarveCommand.run(parent.out, parent.err,
            "append", dir.toString(), "--count", Long.toString(count), "--size", "64", "--segment-size", "16m");
        if (appended != VarveCommand.OK)
        {
            return appended;
        }
        return VarveCommand.run(parent.out, parent.err, "verify", dir.toString());
    }
}
