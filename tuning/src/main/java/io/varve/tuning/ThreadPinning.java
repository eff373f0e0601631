package io.varve.tuning;

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
        final int cpus = Runtime.getRuntime().availableProcessors();
        if (cpu < 0 || cpu >= cpus)
        {
            warnings.accept("thread " + Thread.currentThread().getName() + " not pinned: cpu=" + cpu +
                " is not one of the " + cpus + " CPUs this JVM may use");
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
        });
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
