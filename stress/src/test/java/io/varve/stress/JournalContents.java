package io.varve.stress;

import io.varve.journal.format.FrameDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.VerifyReport;
import org.agrona.collections.LongArrayList;

import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a whole journal back with the public read path and checks every record against its {@link RecordPattern}.
 */
public final class JournalContents
{
    private JournalContents()
    {
    }

    /**
     * What a full read found.
     *
     * @param records      records delivered, all of them checked.
     * @param nextSequence sequence after the last one.
     * @param positions    position of each record, in order.
     */
    public record Contents(long records, long nextSequence, LongArrayList positions)
    {
    }

    /**
     * Read every record from the start with an unnamed tailer; fail on a gap, a repeat or a payload that does not
     * match.
     */
    public static Contents readAll(final Path directory, final RecordPattern pattern)
    {
        try (JournalReader reader = JournalReader.open(directory); Tailer tailer = reader.tailer())
        {
            return readAll(tailer, pattern);
        }
    }

    /**
     * Read every record from where a tailer stands to the end.
     */
    public static Contents readAll(final Tailer tailer, final RecordPattern pattern)
    {
        final LongArrayList positions = new LongArrayList();
        final long first = tailer.nextSequence();
        final long next = read(tailer, pattern, positions);
        return new Contents(next - first, next, positions);
    }

    /**
     * Read records from where a tailer stands until it has nothing more, adding each one's position to a list as it
     * is checked, so that a caller catching the tailer's refusal still knows what came before.
     *
     * @return the sequence after the last record read.
     */
    public static long read(final Tailer tailer, final RecordPattern pattern, final LongArrayList positions)
    {
        final long[] next = {tailer.nextSequence()};
        final int[] frameLength = {0};
        while (true)
        {
            final int delivered = tailer.poll((buffer, offset, length, sequence, timestamp, type) ->
            {
                if (sequence != next[0])
                {
                    throw new AssertionError("record out of order: expected=" + next[0] + " found=" + sequence);
                }
                if (!pattern.matches(buffer, offset, length, sequence) || type != pattern.type(sequence))
                {
                    throw new AssertionError("record " + sequence + " does not hold what was written: length=" +
                        length + " expected=" + pattern.length(sequence));
                }
                frameLength[0] = FrameDescriptor.frameLength(length);
                next[0]++;
            }, 1);
            if (delivered == 0)
            {
                return next[0];
            }
            positions.addLong(tailer.position() - FrameDescriptor.alignedLength(frameLength[0]));
        }
    }

    /**
     * {@code varve verify}'s check, in process.
     */
    public static VerifyReport verify(final Path directory)
    {
        return new JournalVerifier(directory, Set.of()).verify();
    }
}
