package io.varve.stress.race;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.WriterLockedException;
import io.varve.journal.write.Appender;
import io.varve.stress.RecordPattern;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One of the two writer processes of the second-writer race, driven over stdin:
 * <ul>
 *     <li>{@code OPEN race DIR AT_MILLIS SEED RECORDS}: wait for the wall-clock instant, open the journal for
 *     writing; then either print {@code WON race nextSequence}, append RECORDS records, sync and print
 *     {@code APPENDED race nextSequence}, or print {@code LOCKED race ownerPid message}, or
 *     {@code ERROR race class message};</li>
 *     <li>{@code CLOSE race}: close the journal won in that race, print {@code CLOSED race};</li>
 *     <li>{@code EXIT}.</li>
 * </ul>
 */
public final class RacingWriter
{
    private RacingWriter()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        out.println("READY " + ProcessHandle.current().pid());
        Journal journal = null;
        String line;
        while ((line = in.readLine()) != null)
        {
            final String[] command = line.split(" ");
            if (command[0].equals("OPEN"))
            {
                final String race = command[1];
                final long at = Long.parseLong(command[3]);
                while (System.currentTimeMillis() < at)
                {
                    Thread.onSpinWait();
                }
                try
                {
                    journal = Journal.open(new JournalContext().directory(Path.of(command[2])).segmentLength(65536));
                    out.println("WON " + race + " " + journal.appender().nextSequence());
                    append(journal.appender(), new RecordPattern(Long.parseLong(command[4])), payload,
                        Integer.parseInt(command[5]));
                    out.println("APPENDED " + race + " " + journal.appender().nextSequence());
                }
                catch (final WriterLockedException ex)
                {
                    out.println("LOCKED " + race + " " + ex.ownerPid() + " " + ex.getMessage());
                }
                catch (final RuntimeException ex)
                {
                    out.println("ERROR " + race + " " + ex.getClass().getName() + " " + ex.getMessage());
                }
            }
            else if (command[0].equals("CLOSE"))
            {
                journal.close();
                journal = null;
                out.println("CLOSED " + command[1]);
            }
            else if (command[0].equals("EXIT"))
            {
                break;
            }
        }
    }

    private static void append(
        final Appender appender, final RecordPattern pattern, final UnsafeBuffer payload, final int records)
    {
        for (int i = 0; i < records; i++)
        {
            final long sequence = appender.nextSequence();
            pattern.fill(payload, 0, sequence);
            appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
        }
        appender.sync();
    }
}
