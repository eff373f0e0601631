package io.varve.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeRequirementsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameTheMissingFlagWhenOpeningWithoutIt() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.startWithoutAgronaFlag(ChildWriter.class, "open", dir.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("FAILED Varve needs the JVM flag " +
            "'--add-exports java.base/jdk.internal.misc=ALL-UNNAMED'"), result.output());
    }

    @Test
    void shouldNameTheFlagAfterTheApplicationTouchedAgronaFirst() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.startWithoutAgronaFlag(AgronaFirst.class, dir.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("APPLICATION java.lang.IllegalAccessError"), result.output());
        assertTrue(result.output().contains("VARVE Varve needs the JVM flag " +
            "'--add-exports java.base/jdk.internal.misc=ALL-UNNAMED'"), result.output());
    }

    @Test
    void shouldNameAgronasModuleWhenAgronaIsOnTheModulePath() throws Exception
    {
        final List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        final String agronaJar = classPath.stream()
            .filter((entry) -> entry.contains("agrona") && entry.endsWith(".jar")).findFirst().orElseThrow();
        final List<String> command = new ArrayList<>(List.of(ChildJvm.javaExecutable(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--module-path", agronaJar, "--add-modules", "org.agrona", "-Xmx128m", "-XX:TieredStopAtLevel=1",
            "-cp", classPath.stream().filter((entry) -> !entry.equals(agronaJar))
                .collect(Collectors.joining(File.pathSeparator))));
        command.addAll(Stream.of(ChildWriter.class.getName(), "open", dir.toString()).toList());
        final ChildJvm.Result result = ChildJvm.runToEnd(
            new ProcessBuilder(command).redirectErrorStream(true).start(), 60);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("FAILED Varve needs the JVM flag " +
            "'--add-exports java.base/jdk.internal.misc=org.agrona'"), result.output());
        assertTrue(result.output().contains("'=ALL-UNNAMED' does not reach it"), result.output());
    }

    @Test
    void shouldNameTheModuleOfANamedAgrona()
    {
        assertEquals("--add-exports java.base/jdk.internal.misc=java.base",
            RuntimeRequirements.flagFor(Object.class.getModule()));
        assertEquals(JournalConfiguration.REQUIRED_JVM_FLAG, RuntimeRequirements.requiredJvmFlag());
    }

    @Test
    void shouldPassWithTheFlag()
    {
        RuntimeRequirements.check();
    }

    /**
     * A child JVM's application that touches Agrona before it opens a journal, as README's "The one JVM flag" says.
     */
    public static final class AgronaFirst
    {
        private AgronaFirst()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                new UnsafeBuffer(new byte[8]).putLong(0, 1);
                System.out.println("APPLICATION ran");
            }
            catch (final IllegalAccessError ex)
            {
                System.out.println("APPLICATION " + ex);
            }
            try (Journal journal = Journal.open(new JournalContext().directory(Path.of(args[0]))))
            {
                System.out.println("VARVE opened " + journal.directory());
            }
            catch (final JournalConfigurationException ex)
            {
                System.out.println("VARVE " + ex.getMessage());
            }
        }
    }
}
