package io.varve.journal.read;

import io.varve.journal.ChildJvm;
import io.varve.journal.Journal;
import io.varve.journal.JournalClosedException;
import io.varve.journal.JournalContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader or journal closed while its tailers are still open, on the same thread or another: the tailers must not
 * read the metadata file's counters or tailer table after they were unmapped (a SIGSEGV that kills the JVM). Run in
 * a child JVM, since the fault being tested for would kill the test's own.
 */
class ReaderCloseAdversaryTest
{
    private static final int SEGMENT_LENGTH = 65536;

    @TempDir
    Path dir;

    @Test
    void shouldNotCrashWhenATailerPollsAfterItsReaderWasClosed() throws Exception
    {
        runChild("reader");
    }

    @Test
    void shouldNotCrashWhenATailerPollsAfterItsJournalWasClosed() throws Exception
    {
        runChild("journal");
    }

    @Test
    void shouldNotCrashWhenANamedTailerPollsOnAnotherThreadWhileItsReaderIsClosed() throws Exception
    {
        runChild("threads");
    }

    private void runChild(final String mode) throws Exception
    {
        final ChildJvm.Result result = ChildJvm.runToEnd(
            ChildJvm.start(ClosingChild.class, mode, dir.toString()), 120);
        assertEquals(0, result.exitCode(), String.join("\n", result.lines()));
        assertTrue(result.lines().contains("OK"), String.join("\n", result.lines()));
        if ("reader".equals(mode))
        {
            assertTrue(result.lines().stream().anyMatch((line) -> line.startsWith("NAMED refused")),
                String.join("\n", result.lines()));
        }
    }

    /**
     * Writes a journal, then closes the reader (or the journal) under open tailers and polls them on.
     */
    public static final class ClosingChild
    {
        private static final java.util.concurrent.atomic.AtomicInteger FAILURES =
            new java.util.concurrent.atomic.AtomicInteger();

        public static void main(final String[] args) throws Exception
        {
            final String mode = args[0];
            final Path dir = Path.of(args[1]);
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            final Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(SEGMENT_LENGTH));
            for (int i = 0; i < 2000; i++)
            {
                payload.putInt(0, i);
                journal.appender().append(payload, 0, 100);
            }
            final RecordHandler ignore = (buffer, offset, length, sequence, timestamp, type) ->
            {
            };
            if ("journal".equals(mode))
            {
                final Tailer tailer = journal.tailer();
                while (tailer.poll(ignore, 100) > 0)
                {
                    Thread.yield();
                }
                journal.close();
                pollAfterClose(tailer, ignore);
            }
            else if ("reader".equals(mode))
            {
                journal.close();
                final JournalReader reader = JournalReader.open(dir);
                final Tailer tailer = reader.tailer("named");
                while (tailer.poll(ignore, 100) > 0)
                {
                    Thread.yield();
                }
                reader.close();
                pollAfterClose(tailer, ignore);
                try
                {
                    System.out.println("NAMED " + reader.namedTailers());
                }
                catch (final JournalClosedException ex)
                {
                    System.out.println("NAMED refused: " + ex.getMessage());
                }
            }
            else
            {
                // the writer appends and rolls meanwhile, so tailers also map the segments it prepares ahead
                final java.util.concurrent.atomic.AtomicBoolean writing =
                    new java.util.concurrent.atomic.AtomicBoolean(true);
                final Thread writer = new Thread(() ->
                {
                    final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
                    while (writing.get())
                    {
                        journal.appender().append(record, 0, 200);
                        if (journal.appender().nextSequence() % 64 == 0)
                        {
                            Thread.yield();
                        }
                    }
                });
                writer.start();
                for (int run = 0; run < 50; run++)
                {
                    final JournalReader reader = JournalReader.open(dir);
                    final Tailer[] tailers = new Tailer[4];
                    final Thread[] threads = new Thread[tailers.length];
                    for (int t = 0; t < tailers.length; t++)
                    {
                        tailers[t] = reader.tailer(t == 0 ? "named" : null);
                        final Tailer tailer = tailers[t];
                        threads[t] = new Thread(() -> pollAfterClose(tailer, ignore));
                    }
                    for (final Thread thread : threads)
                    {
                        thread.start();
                    }
                    Thread.sleep(run % 5);
                    reader.close();
                    for (final Thread thread : threads)
                    {
                        thread.join();
                    }
                }
                writing.set(false);
                writer.join();
                journal.close();
            }
            System.out.println(FAILURES.get() == 0 ? "OK" : "FAILURES " + FAILURES.get());
            System.out.flush();
        }

        private static void pollAfterClose(final Tailer tailer, final RecordHandler handler)
        {
            try
            {
                final java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                for (int i = 0; i < 2000; i++)
                {
                    tailer.poll(handler, 10);
                    tailer.position();
                    switch (random.nextInt(200))
                    {
                        case 0:
                            tailer.seekToStart();
                            break;
                        case 1:
                            tailer.seekToEnd();
                            break;
                        case 2:
                            tailer.seekToSequence(random.nextLong(2000));
                            break;
                        default:
                            break;
                    }
                }
            }
            catch (final JournalClosedException ex)
            {
                // the promised outcome: a clear exception, no crash
            }
            catch (final RuntimeException | Error ex)
            {
                FAILURES.incrementAndGet();
                ex.printStackTrace(System.out);
            }
            finally
            {
                tailer.close();
            }
        }
    }
}
