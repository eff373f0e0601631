package io.varve.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Optional pinning of threads to CPUs with OpenHFT's affinity library ({@code net.openhft:affinity}, an optional
 * dependency). When the library is not on the class path, or the CPU cannot be used, pinning reports a warning and
 * the thread runs unpinned: it never fails.
 * <pre>{@code
 * ringContext.threadFactory(ThreadPinning.pinnedThreadFactory(3, System.err::println));
 * }</pre>
 * Threading: threadsafe.
 */
public final class ThreadPinning
{
    private static final String AFFINITY_CLASS = "net.openhft.affinity.Affinity";

    private ThreadPinning()
    {
    }

    /**
     * Whether the affinity library is on the class path.
     *
     * @return true when pinning can be tried.
     */
    public static boolean isAvailable()
    {
        try
        {
            Class.forName(AFFINITY_CLASS, false, ThreadPinning.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return false;
        }
    }

    /**
     * Pin the calling thread to a CPU.
     *
     * @param cpu      to run on.
     * @param warnings told why when the thread could not be pinned.
     * @return true when pinned.
     */
    public static boolean pinCurrentThread(final int cpu, final Consumer<String> warnings)
    {
        // Online, not availableProcessors(): cores isolated with isolcpus are outside the JVM's affinity mask, and
        // they are the ones a journaling thread should be pinned to.
        final String online = onlineCpus();
        if (cpu < 0 || !isOnline(online, cpu))
        {
            warnings.accept("thread " + Thread.currentThread().getName() + " not pinned: cpu=" + cpu +
                " is not one of the online CPUs (" + online + ")");
            return false;
        }
        if (!isAvailable())
        {
            warnings.accept("thread " + Thread.currentThread().getName() + " not pinned: add net.openhft:affinity " +
                "to the class path to pin threads");
            return false;
        }
        try
        {
            AffinityCall.pin(cpu);
            return true;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            warnings.accept("thread " + Thread.currentThread().getName() + " not pinned to cpu=" + cpu + ": " + ex);
            return false;
        }
    }

    private static String onlineCpus()
    {
        try (InputStream in = Files.newInputStream(Path.of("/sys/devices/system/cpu/online")))
        {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException | RuntimeException ex)
        {
            return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
        }
    }

    private static boolean isOnline(final String ranges, final int cpu)
    {
        try
        {
            for (final String range : ranges.split(","))
            {
                final String[] ends = range.trim().split("-");
                final int low = Integer.parseInt(ends[0]);
                final int high = ends.length == 1 ? low : Integer.parseInt(ends[1]);
                if (cpu >= low && cpu <= high)
                {
                    return true;
                }
            }
            return false;
        }
        catch (final NumberFormatException ex)
        {
            // a format this code does not know: let the pinning itself say whether the CPU exists
            return true;
        }
    }

    /**
     * A thread factory whose threads pin themselves to a CPU when they start, e.g. for the journaling thread.
     *
     * @param cpu      to run on.
     * @param warnings told why when a thread could not be pinned.
     * @return the factory.
     */
    public static ThreadFactory pinnedThreadFactory(final int cpu, final Consumer<String> warnings)
    {
        return (runnable) -> new Thread(() ->
        {
            pinCurrentThread(cpu, warnings);
            runnable.run();
        }, "varve-pinned-cpu" + cpu);
    }

    /**
     * The only place that names the optional library's classes, so the JVM loads them only once they are known to
     * be there.
     */
    private static final class AffinityCall
    {
        static void pin(final int cpu)
        {
            net.openhft.affinity.Affinity.setAffinity(cpu);
        }
    }
}
