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
    }

    /**
     * Writes a journal, then closes the reader (or the journal) under open tailers and polls them on.
     */
    public static final class ClosingChild
    {
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
            }
            else
            {
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
                journal.close();
            }
            System.out.println("OK");
            System.out.flush();
        }

        private static void pollAfterClose(final Tailer tailer, final RecordHandler handler)
        {
            try
            {
                for (int i = 0; i < 2000; i++)
                {
                    tailer.poll(handler, 10);
                    tailer.position();
                    if (i % 500 == 0)
                    {
                        tailer.seekToStart();
                    }
                }
            }
            catch (final JournalClosedException ex)
            {
                // the promised outcome: a clear exception, no crash
            }
            finally
            {
                tailer.close();
            }
        }
    }
}
