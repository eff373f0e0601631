package io.varve.stress.jcstress;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code stress/target/jcstress.jar}: jcstress's own {@code Main}, with the one JVM flag Varve needs
 * (Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}) prepended to the arguments of every JVM jcstress forks. The
 * jar's manifest carries {@code Add-Exports} for this JVM; forked JVMs run on the class path and need the flag.
 * <p>
 * Every jcstress option works as documented ({@code -m sanity|quick|default|tough|stress}, {@code -t REGEX},
 * {@code -r DIR}, {@code -c CPUS}, {@code -f FORKS}). jcstress 0.16 ends with an {@link AssertionError} naming the
 * failed tests, so the exit code is non-zero when any test saw a forbidden outcome or broke.
 * <p>
 * Threading: runs on the main thread.
 */
public final class JcstressMain
{
    /** The flag every forked JVM gets, unless the command line passes its own {@code -jvmArgsPrepend}. */
    public static final String AGRONA_FLAG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JcstressMain()
    {
    }

    /**
     * Run jcstress.
     *
     * @param args jcstress's command line.
     * @throws Exception when jcstress fails; an {@link AssertionError} when a test failed.
     */
    public static void main(final String[] args) throws Exception
    {
        org.openjdk.jcstress.Main.main(withAgronaFlag(args));
    }

    /**
     * The command line with {@code -jvmArgsPrepend AGRONA_FLAG} added, unless it sets {@code -jvmArgsPrepend} or
     * {@code -jvmArgs} itself.
     *
     * @param args jcstress's command line.
     * @return the command line to run.
     */
    public static String[] withAgronaFlag(final String[] args)
    {
        final List<String> command = new ArrayList<>(List.of(args));
        if (!command.contains("-jvmArgsPrepend") && !command.contains("-jvmArgs"))
        {
            command.add("-jvmArgsPrepend");
            command.add(AGRONA_FLAG);
        }
        return command.toArray(new String[0]);
    }
}
