package io.varve.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags each system's forks and child JVMs get, and only those: Varve needs the one Agrona flag; Aeron
 * needs it too, plus {@code java.util.zip} for its checksums; Chronicle Queue needs its own set, which grows on the
 * JDKs that warn about {@code sun.misc.Unsafe} and native access. The constants are what the JMH annotations carry for a plain {@code java -jar benchmarks.jar} on JDK 17;
 * {@link #forSystem(BenchSystem)} is what the suite passes, chosen for the running JDK.
 * <p>
 * Threading: constants and a pure function.
 */
public final class ForkFlags
{
    /** Fixed heap for every fork, so no system gets more memory than another. */
    public static final String HEAP_MIN = "-Xms1g";
    /** Fixed heap for every fork. */
    public static final String HEAP_MAX = "-Xmx1g";
    /** The one flag Varve needs, and Aeron too: Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}. */
    public static final String AGRONA = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /**
     * Varve's one optional flag: with it, on JDK 22 and later, segments' page tables are populated with one
     * {@code madvise} each (see the README). Given to Varve's forks only when the suite runs with
     * {@code --varve-native-access}, so a default run measures Varve with its one required flag.
     */
    public static final String VARVE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** System property the suite sets from {@code --varve-native-access}, for its forks and child JVMs. */
    public static final String VARVE_NATIVE_ACCESS_PROP_NAME = "varve.bench.native.access";
    /** Aeron Archive's CRC-32C checksums (Agrona's {@code Crc32}) reach into {@code java.util.zip}. */
    public static final String AERON_CHECKSUMS = "--add-opens=java.base/java.util.zip=ALL-UNNAMED";
    /** Chronicle Queue on JDK 17, with the two below: the smallest set that runs without errors or warnings. */
    public static final String CHRONICLE_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Chronicle Queue: {@code sun.nio.ch} for unmapping and file channels. */
    public static final String CHRONICLE_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Chronicle Queue: {@code jdk.internal.ref} for cleaners. */
    public static final String CHRONICLE_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Chronicle Queue on JDK 24 and later: its JNA and JNR calls are restricted native access. */
    public static final String CHRONICLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Chronicle Queue on JDK 24 and later: its {@code sun.misc.Unsafe} memory access warns without this. */
    public static final String CHRONICLE_UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    /** Chronicle Queue phones home unless told not to. */
    public static final String CHRONICLE_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /** Chronicle Queue prints a banner unless told not to. */
    public static final String CHRONICLE_NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";

    /** First JDK feature release on which Chronicle Queue needs the native and Unsafe access flags. */
    static final int CHRONICLE_EXTRA_FLAGS_SINCE = 24;

    private ForkFlags()
    {
    }

    /**
     * Flags for a fork or child JVM of one system on the running JDK.
     *
     * @param system under test.
     * @return the flags, heap included.
     */
    public static List<String> forSystem(final BenchSystem system)
    {
        final List<String> flags = forSystem(system, Runtime.version().feature());
        if (system == BenchSystem.VARVE && Boolean.getBoolean(VARVE_NATIVE_ACCESS_PROP_NAME))
        {
            flags.add(VARVE_NATIVE_ACCESS);
        }
        return flags;
    }

    /**
     * Flags for a fork or child JVM of one system on a given JDK.
     *
     * @param system     under test.
     * @param jdkFeature the JDK's feature release, such as 17 or 25.
     * @return the flags, heap included.
     */
    public static List<String> forSystem(final BenchSystem system, final int jdkFeature)
    {
        final List<String> flags = new ArrayList<>(List.of(HEAP_MIN, HEAP_MAX));
        switch (system)
        {
            case VARVE:
            case MACHINE:
                flags.add(AGRONA);
                break;
            case AERON:
                flags.addAll(List.of(AGRONA, AERON_CHECKSUMS));
                break;
            case CHRONICLE:
                flags.addAll(List.of(CHRONICLE_REFLECT, CHRONICLE_NIO, CHRONICLE_REF));
                if (jdkFeature >= CHRONICLE_EXTRA_FLAGS_SINCE)
                {
                    flags.addAll(List.of(CHRONICLE_NATIVE_ACCESS, CHRONICLE_UNSAFE));
                }
                flags.addAll(List.of(CHRONICLE_NO_ANALYTICS, CHRONICLE_NO_ANNOUNCER));
                break;
            default:
                throw new IllegalArgumentException("unknown system: " + system);
        }
        return flags;
    }
}
