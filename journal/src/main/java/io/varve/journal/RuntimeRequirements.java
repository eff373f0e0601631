package io.varve.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Checks, before anything touches Agrona's buffers, that the JVM lets Varve run: the one flag Agrona 2.x needs
 * and a little-endian platform, which the writer's direct stores assume.
 * <p>
 * Threading: static methods, no state.
 */
public final class RuntimeRequirements
{
    private RuntimeRequirements()
    {
    }

    /**
     * Fail with a message naming the missing flag, instead of an {@link IllegalAccessError} deep inside Agrona.
     * Call it first thing in {@code main} when your own code touches Agrona's buffers before it opens a journal:
     * the first {@code UnsafeBuffer} access without the flag throws {@code IllegalAccessError} from
     * {@code org.agrona.UnsafeApi}, and this names the flag instead.
     *
     * @throws JournalConfigurationException when the JVM cannot run Varve.
     */
    public static void check()
    {
        final Module agrona = UnsafeBuffer.class.getModule();
        if (!Object.class.getModule().isExported("jdk.internal.misc", agrona))
        {
            throw new JournalConfigurationException(missingFlagMessage(agrona));
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new JournalConfigurationException(
                "Varve needs a little-endian platform: nativeOrder=" + ByteOrder.nativeOrder());
        }
    }

    /**
     * The flag this JVM needs, for where Agrona was loaded from: {@code =ALL-UNNAMED} on the class path, the name
     * of Agrona's module ({@code =org.agrona}) on the module path, where {@code ALL-UNNAMED} does not reach it.
     *
     * @return the flag, e.g. {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}.
     */
    public static String requiredJvmFlag()
    {
        return flagFor(UnsafeBuffer.class.getModule());
    }

    static String flagFor(final Module agrona)
    {
        return "--add-exports java.base/jdk.internal.misc=" + (agrona.isNamed() ? agrona.getName() : "ALL-UNNAMED");
    }

    static String missingFlagMessage(final Module agrona)
    {
        final String flag = flagFor(agrona);
        final String where = agrona.isNamed() ?
            "Agrona is on the module path as module '" + agrona.getName() + "', so '=ALL-UNNAMED' does not reach " +
            "it; add '" + flag + "' to the java command line or JDK_JAVA_OPTIONS (a jar manifest's Add-Exports " +
            "exports to the class path only)." :
            "add it to the java command line, JDK_JAVA_OPTIONS or surefire's argLine, or put " +
            "'Add-Exports: java.base/jdk.internal.misc' in the manifest of the jar you start with 'java -jar' " +
            "('java -jar varve-cli.jar' needs nothing: its manifest carries it).";
        return "Varve needs the JVM flag '" + flag + "' (Agrona 2.x uses jdk.internal.misc.Unsafe): " + where;
    }
}
