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
     *
     * @throws JournalConfigurationException when the JVM cannot run Varve.
     */
    public static void check()
    {
        if (!Object.class.getModule().isExported("jdk.internal.misc", UnsafeBuffer.class.getModule()))
        {
            throw new JournalConfigurationException("Varve needs the JVM flag '" +
                JournalConfiguration.REQUIRED_JVM_FLAG + "' (Agrona 2.x uses jdk.internal.misc.Unsafe); add it to " +
                "the java command line, JDK_JAVA_OPTIONS or surefire's argLine. 'java -jar varve-cli.jar' needs " +
                "nothing: its manifest carries Add-Exports.");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new JournalConfigurationException(
                "Varve needs a little-endian platform: nativeOrder=" + ByteOrder.nativeOrder());
        }
    }
}
