package io.varve.cli;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalContext;
import io.varve.journal.write.Appender;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code varve demo}: the end-to-end showcase. A writer appends records across segment rolls while a tailer in a
 * second JVM follows the journal live; both report the rate they saw, the tailer checks that every record arrived
 * once and in order, and the journal is verified at the end.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the end-to-end demo: a writer and a live tailer in a second JVM, then verify.")
final class DemoCommand implements Callable<Integer>
{
    @ParentCommand
    private VarveCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", description = "Journal directory (default: a new temporary one).")
    private Path directory;

    @Option(names = "--count", paramLabel = "N", defaultValue = "5000000", description = "Records (default 5000000).")
    private long count;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", description = "Payload bytes (default 64).")
    private int size;

    @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "none",
        description = "Writer's fsync policy (default none).")
    private String fsync;

    public Integer call() throws Exception
    {
        if (size < 8)
        {
            parent.err.println("varve demo: --size must be at least 8: size=" + size);
            return VarveCommand.USAGE_OR_IO;
        }
        final Path dir = directory != null ? directory : Files.createTempDirectory("varve-demo-");
        parent.out.println("varve demo: journal in " + dir + ", " + count + " records of " + size + " bytes" +
            (directory == null ? " (deleted at the end; --dir DIR keeps it)" : ""));
        try
        {
            return run(dir);
        }
        finally
        {
            if (directory == null)
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
    }

    private int run(final Path dir) throws Exception
    {
        final Process follower = startFollower(dir);
        final BufferedReader followerOut = new BufferedReader(
            new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8));
        try
        {
            final String ready = followerOut.readLine();
            if (!"READY".equals(ready))
            {
                parent.err.println("varve demo: the tailer JVM did not start: " + ready);
                return VarveCommand.PROBLEM;
            }
            final double writerRate = write(dir);
            parent.out.printf("writer : %,d records appended at %,.0f records/s (pid %d)%n",
                count, writerRate, ProcessHandle.current().pid());
            final String result = followerOut.readLine();
            if (!follower.waitFor(120, TimeUnit.SECONDS))
            {
                parent.err.println("varve demo: the tailer JVM did not finish");
                return VarveCommand.PROBLEM;
            }
            parent.out.println("tailer : " + result + " (pid " + follower.pid() + ", another JVM)");
            if (result == null || !result.contains("every record once, in order: YES"))
            {
                return VarveCommand.PROBLEM;
            }
        }
        finally
        {
            follower.destroyForcibly();
        }
        return VarveCommand.run(parent.out, parent.err, "verify", dir.toString());
    }

    private Process startFollower(final Path dir) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(JournalConfiguration.REQUIRED_JVM_FLAG.split(" ")[0]);
        command.add(JournalConfiguration.REQUIRED_JVM_FLAG.split(" ")[1]);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VarveCommand.class.getName());
        command.add("demo-follower");
        command.add(dir.toString());
        command.add(Long.toString(count));
        command.add(Integer.toString(size));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private double write(final Path dir)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        AppendCommand.fillPattern(payload, size);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(16 * 1024 * 1024)
            .fsyncPolicy(FsyncPolicy.parse(fsync))))
        {
            final Appender appender = journal.appender();
            final long first = appender.nextSequence();
            final long start = System.nanoTime();
            for (long i = 0; i < count; i++)
            {
                payload.putLong(0, first + i, ByteOrder.LITTLE_ENDIAN);
                appender.append(payload, 0, size);
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }
}
