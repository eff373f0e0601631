package io.varve.chronicle;

import io.varve.journal.JournalContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that imports a queue slowly, printing its progress, for a test to kill with SIGKILL half way.
 */
public final class ImportChild
{
    private ImportChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        new ChronicleImport(Path.of(args[0]), new JournalContext().directory(Path.of(args[1])).segmentLength(1 << 20))
            .progress((records) ->
            {
                System.out.println("PROGRESS " + records);
                System.out.flush();
                try
                {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            })
            .run();
        System.out.println("DONE");
    }

    static Process start(final Path queue, final Path journal) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(ChronicleFlags.AGRONA);
        command.addAll(ChronicleFlags.forRunningJdk());
        command.add("-D" + ChronicleFlags.MARKER_PROP_NAME + "=true");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ImportChild.class.getName());
        command.add(queue.toString());
        command.add(journal.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
