package io.varve.stress.disk;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.write.Appender;
import io.varve.stress.RecordPattern;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The writer the full-disk test runs under {@code ulimit -f}: {@code FullDiskWriter DIR JOURNAL_SEED SEGMENT_LENGTH
 * MAX_BYTES}. It opens (or creates) the journal and appends {@link RecordPattern} records, syncing every few, until
 * the file size limit refuses a segment or it has written {@code MAX_BYTES}. It reports:
 * <ul>
 *     <li>{@code OPEN_REFUSED class message} when opening failed, then exits 0;</li>
 *     <li>{@code OPEN nextSequence}, {@code ACK durablePosition nextSequence} after each sync;</li>
 *     <li>{@code FULL nextSequence message} when an append threw {@link StorageSpaceException}, then
 *     {@code STILL_FULL} when the next append threw it again, and {@code SYNCED durablePosition} when a sync then
 *     worked;</li>
 *     <li>{@code NOT_FULL nextSequence} when it stopped at {@code MAX_BYTES};</li>
 *     <li>{@code UNEXPECTED class message} for any other exception;</li>
 *     <li>{@code CLOSED nextSequence} once the journal closed, then exits 0.</li>
 * </ul>
 */
public final class FullDiskWriter
{
    private FullDiskWriter()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final RecordPattern pattern = new RecordPattern(Long.parseLong(args[1]));
        final int segmentLength = Integer.parseInt(args[2]);
        final long maxBytes = Long.parseLong(args[3]);
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        final Journal journal;
        try
        {
            journal = Journal.open(new JournalContext().directory(directory).segmentLength(segmentLength));
        }
        catch (final RuntimeException ex)
        {
            out.println("OPEN_REFUSED " + ex.getClass().getName() + " " + ex.getMessage());
            return;
        }
        long next = 0;
        try (Journal open = journal)
        {
            final Appender appender = open.appender();
            out.println("OPEN " + appender.nextSequence());
            final long start = appender.position();
            try
            {
                while (appender.position() - start < maxBytes)
                {
                    append(appender, pattern, payload);
                    if (appender.nextSequence() % 7 == 0)
                    {
                        out.println("ACK " + appender.sync() + " " + appender.nextSequence());
                    }
                }
                out.println("NOT_FULL " + appender.nextSequence());
            }
            catch (final StorageSpaceException ex)
            {
                out.println("FULL " + appender.nextSequence() + " " + ex.getMessage());
                try
                {
                    append(appender, pattern, payload);
                    out.println("UNEXPECTED append succeeded after the disk was full");
                }
                catch (final StorageSpaceException again)
                {
                    out.println("STILL_FULL");
                }
                out.println("SYNCED " + appender.sync());
            }
            next = appender.nextSequence();
        }
        catch (final RuntimeException ex)
        {
            out.println("UNEXPECTED " + ex.getClass().getName() + " " + ex.getMessage());
        }
        out.println("CLOSED " + next);
    }

    private static void append(final Appender appender, final RecordPattern pattern, final UnsafeBuffer payload)
    {
        final long sequence = appender.nextSequence();
        pattern.fill(payload, 0, sequence);
        appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
    }
}
