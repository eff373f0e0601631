package io.varve.journal.read;

import io.varve.journal.JournalConfigurationException;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JournalReader#awaitOpen} given a path that can never become a journal.
 */
class AwaitOpenAdversaryTest
{
    @TempDir
    Path dir;

    /** A regular file was waited on like a directory not created yet: 'varve tail --follow FILE' hung for ever. */
    @Test
    void shouldRefuseARegularFileAtOnce() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("orders.log"), "not a journal");

        final JournalConfigurationException ex = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            assertThrows(JournalConfigurationException.class, () -> JournalReader.awaitOpen(
                file, Duration.ofNanos(Long.MAX_VALUE), new SleepingMillisIdleStrategy(1))));

        assertTrue(ex.getMessage().contains("not a directory"), ex.getMessage());
    }
}
