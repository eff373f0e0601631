package io.varve.chronicle;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags a process that runs this module's Chronicle code needs, on top of Varve's one Agrona flag: the
 * smallest set with which chronicle-bytes and Chronicle Queue 2026.4 run without errors or warnings on JDK 17, plus
 * the two that JDK 24 and later need for Chronicle's {@code sun.misc.Unsafe} and native calls, plus the two
 * properties that stop Chronicle's analytics and banner. This class touches no Chronicle class, so a launcher can
 * ask it what a child JVM needs without loading Chronicle.
 * <p>
 * Threading: constants and pure functions.
 */
public final class ChronicleFlags
{
    /** Chronicle reflects into {@code java.lang.reflect}. */
    public static final String REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Chronicle's mapped files reach {@code sun.nio.ch}. */
    public static final String NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Chronicle's cleaners reach {@code jdk.internal.ref}. */
    public static final String REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** JDK 24 and later: Chronicle's JNA and JNR calls are restricted native access. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JDK 24 and later: Chronicle's {@code sun.misc.Unsafe} memory access warns without this. */
    public static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    /** Chronicle phones home unless told not to. */
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /** Chronicle prints a banner unless told not to. */
    public static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    /** Varve's own flag, which every Varve process needs (Agrona 2.x). */
    public static final String AGRONA = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** First JDK feature release that needs {@link #NATIVE_ACCESS} and {@link #UNSAFE} (JDK 17 refuses the latter). */
    public static final int EXTRA_FLAGS_SINCE = 24;
    /** System property a launcher sets beside the flags, so a command knows it runs with them. */
    public static final String MARKER_PROP_NAME = "varve.chronicle.flags";

    private ChronicleFlags()
    {
    }

    /**
     * Chronicle's flags for the running JDK, Agrona's excluded.
     *
     * @return the flags.
     */
    public static List<String> forRunningJdk()
    {
        return forJdk(Runtime.version().feature());
    }

    /**
     * Chronicle's flags for a JDK, Agrona's excluded.
     *
     * @param jdkFeature the JDK's feature release, such as 17 or 25.
     * @return the flags.
     */
    public static List<String> forJdk(final int jdkFeature)
    {
        final List<String> flags = new ArrayList<>(List.of(REFLECT, NIO, REF));
        if (jdkFeature >= EXTRA_FLAGS_SINCE)
        {
            flags.add(NATIVE_ACCESS);
            flags.add(UNSAFE);
        }
        flags.add(NO_ANALYTICS);
        flags.add(NO_ANNOUNCER);
        return flags;
    }

    /**
     * Whether this JVM was started with the flags: the opens and exports are checked on {@code java.base} itself;
     * the JDK 24 flags cannot be, so a launcher that passes them sets {@link #MARKER_PROP_NAME} too.
     *
     * @return true when Chronicle can run here without errors or warnings.
     */
    public static boolean present()
    {
        final Module base = Object.class.getModule();
        final Module self = ChronicleFlags.class.getModule();
        final boolean openAndExported = base.isOpen("java.lang.reflect", self) &&
            base.isExported("sun.nio.ch", self) && base.isExported("jdk.internal.ref", self);
        return openAndExported &&
            (Runtime.version().feature() < EXTRA_FLAGS_SINCE || Boolean.getBoolean(MARKER_PROP_NAME));
    }
}
