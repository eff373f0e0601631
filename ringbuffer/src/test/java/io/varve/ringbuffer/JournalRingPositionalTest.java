package io.varve.ringbuffer;

import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalContext;
import io.varve.journal.WriteMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every test of {@link JournalRingTest} (many producers, durable tickets under each policy, records spanning slots,
 * close with records in flight, no allocation) with the journal in {@link WriteMode#POSITIONAL}: the journaling
 * thread brackets each batch, so a batch is staged and written at its end, before its checkpoint is handed on.
 */
class JournalRingPositionalTest extends JournalRingTest
{
    @BeforeAll
    static void positional()
    {
        System.setProperty(JournalConfiguration.WRITE_MODE_PROP_NAME, WriteMode.POSITIONAL.name());
        assertEquals(WriteMode.POSITIONAL, new JournalContext().writeMode());
    }

    @AfterAll
    static void mapped()
    {
        System.clearProperty(JournalConfiguration.WRITE_MODE_PROP_NAME);
    }
}
