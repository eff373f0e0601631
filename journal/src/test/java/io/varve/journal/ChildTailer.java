package io.varve.journal;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The main class of tailer child JVMs in tests. Modes:
 * <ul>
 *     <li>{@code follow DIR COUNT}: follow from the start with a tailer named {@code follower} (so the parent can
 *     read its progress from the metadata file) until COUNT records arrived, checking each one's order and
 *     payload ({@link ChildWriter#fill}); print {@code DONE count millisSinceFirstRecord} or {@code ERROR reason};</li>
 *     <li>{@code named DIR NAME}: follow with a named tailer forever, printing {@code SEQ n} for each record from
 *     inside the handler.</li>
 * </ul>
 */
public final class ChildTailer
{
    private ChildTailer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[1]);
        while (!dir.resolve("journal.meta").toFile().exists())
        {
            Thread.sleep(1);
        }
        switch (args[0])
        {
            case "follow":
                follow(dir, Long.parseLong(args[2]));
                break;

            case "named":
                named(dir, args[2]);
                break;

            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    private static void follow(final Path dir, final long count) throws Exception
    {
        final long[] next = {0};
        final String[] error = {null};
        long firstNanos = 0;
        System.out.println("READY");
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer("follower"))
        {
            while (next[0] < count && error[0] == null)
            {
                final int delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
                {
                    if (sequence != next[0] || !ChildWriter.matches((UnsafeBuffer)buffer, offset, length, sequence))
                    {
                        error[0] = "record " + sequence + " expected " + next[0];
                    }
                    next[0]++;
                }, 1000);
                if (delivered == 0)
                {
                    Thread.onSpinWait();
                }
                else if (firstNanos == 0)
                {
                    firstNanos = System.nanoTime();
                }
            }
        }
        System.out.println(error[0] == null ?
            "DONE " + next[0] + " " + (System.nanoTime() - firstNanos) / 1_000_000 : "ERROR " + error[0]);
    }

    private static void named(final Path dir, final String name) throws Exception
    {
        final PrintStream out = new PrintStream(System.out, true);
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer(name))
        {
            out.println("START " + tailer.nextSequence());
            while (true)
            {
                if (tailer.poll((buffer, offset, length, sequence, timestamp, type) -> out.println("SEQ " + sequence),
                    10) == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
    }
}
