package io.varve.cli;

import io.varve.chronicle.ChronicleFlags;
import io.varve.chronicle.ChronicleQueueDirectory;
import io.varve.chronicle.NotAChronicleQueueException;
import io.varve.journal.format.SegmentDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code varve import-chronicle CQ_DIR VARVE_DIR}: copies every excerpt of a Chronicle Queue into a Varve journal
 * (see {@code io.varve.chronicle.ChronicleImport}), resumably; {@code --verify} compares both sides record by
 * record. Exit 0 when done (and verified), 1 when verification found a difference, 2 when CQ_DIR is not a
 * Chronicle Queue, VARVE_DIR holds other records, or on I/O errors.
 * <p>
 * Chronicle needs JVM flags that no other command needs. This command checks the directory first, then, when the
 * JVM lacks the flags ({@link ChronicleFlags#present()}), runs itself again in a child JVM with them: the same
 * {@code java}, the same class path, the same arguments, its output passed through, its exit code returned. So
 * {@code java -jar varve-cli.jar} keeps needing only the one flag in its manifest, for this command too.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "import-chronicle", mixinStandardHelpOptions = true,
    description = {"Copy every excerpt of a Chronicle Queue (every roll cycle, in index order) into a Varve " +
        "journal: one keyed record per excerpt, key = the excerpt's Chronicle index, value = its bytes.",
        "Run again on the same journal to continue where it stopped; never duplicates."})
final class ImportChronicleCommand implements Callable<Integer>
{
    /** Set on the child JVM: the process id of the JVM that launched it and passes its output through. */
    static final String LAUNCHER_PROP_NAME = "varve.chronicle.launcher";

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "CQ_DIR", description = "The Chronicle Queue's directory (read only).")
    private Path queue;

    @Parameters(index = "1", paramLabel = "VARVE_DIR", description = "The journal's directory; created if missing.")
    private Path journal;

    @Option(names = "--verify", description = "Afterwards, re-read both sides and compare every record.")
    private boolean verify;

    @Option(names = "--progress", negatable = true,
        description = "Show a progress bar (default: when there is a console).")
    private Boolean progress;

    @Option(names = "--type", paramLabel = "N", description = "Record type of the imported records (default 0).")
    private int type;

    @Option(names = "--segment-size", paramLabel = "BYTES", converter = ByteSize.class,
        description = "Segment size of a new journal, such as 64m (default: the journal's default).")
    private Long segmentSize;

    public Integer call() throws Exception
    {
        try
        {
            ChronicleQueueDirectory.check(queue);
        }
        catch (final NotAChronicleQueueException ex)
        {
            parent.err.println("varve import-chronicle: " + ex.getMessage());
            return VarveCommand.USAGE_OR_IO;
        }
        if (segmentSize != null && (segmentSize < SegmentDescriptor.MIN_SEGMENT_LENGTH ||
            segmentSize > SegmentDescriptor.MAX_SEGMENT_LENGTH || Long.bitCount(segmentSize) != 1))
        {
            parent.err.println("varve import-chronicle: --segment-size must be a power of two from 64k to 1g: " +
                "segment-size=" + segmentSize);
            return VarveCommand.USAGE_OR_IO;
        }
        if (!ChronicleFlags.present())
        {
            return relaunch();
        }
        exitWithLauncher();
        final boolean showProgress = progress != null ? progress : System.console() != null;
        return new ChronicleImportRun(parent.out, parent.err, queue, journal, type, segmentSize, showProgress)
            .run(verify);
    }

    /**
     * In the child JVM: stop when the launching JVM is gone (killed with SIGKILL, say), rather than go on importing
     * unseen with nobody to read its output, holding the journal's writer lock so that a second run is refused. The
     * import is resumable, so stopping anywhere loses nothing.
     */
    private void exitWithLauncher()
    {
        final long launcher = Long.getLong(LAUNCHER_PROP_NAME, -1);
        if (launcher < 0)
        {
            return;
        }
        final ProcessHandle handle = ProcessHandle.of(launcher).orElse(null);
        if (handle == null)
        {
            Runtime.getRuntime().halt(VarveCommand.USAGE_OR_IO);
            return;
        }
        handle.onExit().thenRun(() -> Runtime.getRuntime().halt(VarveCommand.USAGE_OR_IO));
    }

    private int relaunch() throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add(ChronicleFlags.AGRONA);
        command.addAll(ChronicleFlags.forRunningJdk());
        command.add("-D" + ChronicleFlags.MARKER_PROP_NAME + "=true");
        command.add("-D" + LAUNCHER_PROP_NAME + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VarveCommand.class.getName());
        command.add("import-chronicle");
        command.add(queue.toString());
        command.add(journal.toString());
        if (verify)
        {
            command.add("--verify");
        }
        command.add(progress != null ? (progress ? "--progress" : "--no-progress") :
            (System.console() != null ? "--progress" : "--no-progress"));
        command.add("--type=" + type);
        if (segmentSize != null)
        {
            command.add("--segment-size=" + segmentSize);
        }
        final Process child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        final Thread errPump = pump(child.getErrorStream(), parent.err);
        pump(child.getInputStream(), parent.out).join();
        errPump.join();
        return child.waitFor();
    }

    private static Thread pump(final InputStream from, final PrintStream to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[8192];
            try (from)
            {
                int read;
                while ((read = from.read(buffer)) >= 0)
                {
                    to.write(buffer, 0, read);
                    to.flush();
                }
            }
            catch (final IOException ex)
            {
                to.println("varve import-chronicle: lost the child's output: " + ex);
            }
        }, "varve-import-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
