package io.varve.stress.tailer;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.stress.RecordPattern;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A tailer process under load: {@code LoadTailer DIR SEED RECORDS [NAME]}. It follows the journal from its first
 * record (as a named tailer when NAME is given) until RECORDS records have arrived, checking that each one is the
 * next sequence, holds its {@link RecordPattern} payload, and lies beyond the previous one. Prints {@code READY},
 * then {@code DONE records segments} or {@code ERROR reason} or {@code STALLED records} after a minute without a
 * record.
 */
public final class LoadTailer
{
    private LoadTailer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path directory = Path.of(args[0]);
        final RecordPattern pattern = new RecordPattern(Long.parseLong(args[1]));
        final long records = Long.parseLong(args[2]);
        final String name = args.length > 3 ? args[3] : null;
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        while (!Files.exists(directory.resolve("journal.meta")))
        {
            Thread.sleep(1);
        }
        final long[] next = {0};
        final long[] segments = {0};
        final long[] lastBase = {-1};
        final String[] error = {null};
        try (JournalReader reader = JournalReader.open(directory);
            Tailer tailer = name == null ? reader.tailer() : reader.tailer(name))
        {
            out.println("READY");
            long lastProgress = System.nanoTime();
            while (next[0] < records && error[0] == null)
            {
                final int delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    if (sequence != next[0])
                    {
                        error[0] = (sequence < next[0] ? "repeated" : "missed") + " record: expected=" + next[0] +
                            " delivered=" + sequence;
                    }
                    else if (!pattern.matches(buffer, offset, length, sequence) || type != pattern.type(sequence))
                    {
                        error[0] = "record " + sequence + " does not hold what was written";
                    }
                    next[0]++;
                }, 256);
                final long base = tailer.position() & -(long)TailersUnderLoadTest.SEGMENT_LENGTH;
                if (base != lastBase[0])
                {
                    lastBase[0] = base;
                    segments[0]++;
                }
                if (delivered > 0)
                {
                    lastProgress = System.nanoTime();
                }
                else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(60))
                {
                    out.println("STALLED " + next[0]);
                    return;
                }
                else
                {
                    // at the live edge: poll again soon, without spinning a core the writer needs on a small box
                    LockSupport.parkNanos(20_000);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            error[0] = ex.toString();
        }
        out.println(error[0] == null ? "DONE " + next[0] + " " + segments[0] : "ERROR " + error[0]);
    }
}
