package io.varve.cli;

import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.read.TailerSeekException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code varve tail}: prints records, from a starting point, optionally following the writer live across rolls.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print records; --follow keeps printing as the writer appends.")
final class TailCommand implements Callable<Integer>
{
    /** Payload bytes the text format shows before it elides the rest. */
    static final int TEXT_PREVIEW = 64;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    /** Longest park of an idle --follow: new records show within this, and an idle tail costs no CPU. */
    private static final long MAX_IDLE_MILLIS = 10;

    enum Format
    {
        text, hex, json
    }

    @ParentCommand
    private VarveCommand parent;

    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
    private Path directory;

    @Option(names = "--from", paramLabel = "WHERE",
        description = "start | end | seq:N | time:ISO-8601 (first record at or after it; a time before the first " +
            "record starts there). Default: start.")
    private String from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N records.")
    private Long count;

    @Option(names = "--type", paramLabel = "N", description = "Only records of this type.")
    private Integer type;

    @Option(names = "--last", paramLabel = "N",
        description = "Start N records before the end (like tail -n); with --type, the last N of that type.")
    private Long last;

    @Option(names = "--follow", description = "Keep printing as the writer appends, until --count or interrupted.")
    private boolean follow;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text | hex | json (one object per line: sequence, position, timestamp, type, length, " +
            "payload in base64). Default: text.")
    private Format format;

    public Integer call()
    {
        final long limit = count == null ? Long.MAX_VALUE : count;
        if (limit < 0)
        {
            parent.err.println("varve tail: --count must be >= 0: count=" + count);
            return VarveCommand.USAGE_OR_IO;
        }
        if (type != null && type < 0)
        {
            parent.err.println("varve tail: --type must be >= 0 (negative types are reserved): type=" + type);
            return VarveCommand.USAGE_OR_IO;
        }
        if (last != null && last < 0)
        {
            parent.err.println("varve tail: --last must be >= 0: last=" + last);
            return VarveCommand.USAGE_OR_IO;
        }
        if (last != null && from != null)
        {
            parent.err.println("varve tail: --last and --from both say where to start: last=" + last + " from=" +
                from + "; give one of them");
            return VarveCommand.USAGE_OR_IO;
        }
        // --follow waits for the writer to create the journal, as tail -F waits for a file
        try (JournalReader reader = follow ? JournalReader.awaitOpen(directory, Duration.ofNanos(Long.MAX_VALUE),
            new SleepingMillisIdleStrategy(10)) : JournalReader.open(directory); Tailer tailer = reader.tailer())
        {
            if (!seek(tailer))
            {
                return VarveCommand.USAGE_OR_IO;
            }
            if (last != null)
            {
                seekToLast(reader, tailer);
            }
            return print(reader, tailer, limit);
        }
    }

    private int print(final JournalReader reader, final Tailer tailer, final long limit)
    {
        final Printer printer = new Printer(parent.out, format, tailer, type);
        final JournalWatch watch = follow ? new JournalWatch(reader) : null;
        final IdleStrategy idle = new BackoffIdleStrategy(
            1, 1, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_MILLIS));
        while (printer.printed < limit)
        {
            final int delivered;
            try
            {
                delivered = tailer.poll(printer, (int)Math.min(limit - printer.printed, 1000));
            }
            catch (final RuntimeException ex)
            {
                final String gone = watch == null ? null : watch.check();
                if (gone == null)
                {
                    throw ex;
                }
                parent.err.println("varve tail: " + gone); // its files went away under the read
                return VarveCommand.PROBLEM;
            }
            if (parent.out.checkError()) // flushes; the command's exit code says why
            {
                return VarveCommand.OK;
            }
            if (delivered == 0)
            {
                if (!follow)
                {
                    break;
                }
                final String gone = watch.problem(tailer.position());
                if (gone != null)
                {
                    parent.err.println("varve tail: " + gone);
                    return VarveCommand.PROBLEM;
                }
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
        parent.out.flush();
        return VarveCommand.OK;
    }

    /**
     * Move to the start of the last {@code --last} records, of {@code --type} when given: without a type by
     * sequence; with one by counting that type's records from the start, twice (once to count, once to find).
     */
    private void seekToLast(final JournalReader reader, final Tailer tailer)
    {
        final long first;
        try (Tailer start = reader.tailer(null, false))
        {
            first = start.nextSequence();
        }
        tailer.seekToEnd();
        if (type == null)
        {
            tailer.seekToSequence(Math.max(first, tailer.nextSequence() - last));
            return;
        }
        final long end = tailer.nextSequence();
        final long[] matching = {0, 0, end};
        try (Tailer counter = reader.tailer(null, false))
        {
            counter.seekToStart();
            final RecordHandler count = (buffer, offset, length, sequence, timestamp, recordType) ->
            {
                if (recordType == type && sequence < end)
                {
                    matching[0]++;
                }
            };
            while (counter.nextSequence() < end && counter.poll(count, 1000) > 0)
            {
                // counting
            }
            final long skip = Math.max(0, matching[0] - last);
            counter.seekToStart();
            final RecordHandler find = (buffer, offset, length, sequence, timestamp, recordType) ->
            {
                if (recordType == type && sequence < end && matching[1]++ == skip)
                {
                    matching[2] = sequence;
                }
            };
            while (matching[2] == end && counter.nextSequence() < end && counter.poll(find, 1000) > 0)
            {
                // finding
            }
        }
        tailer.seekToSequence(matching[2]);
    }

    private boolean seek(final Tailer tailer)
    {
        try
        {
            if (from == null || "start".equals(from))
            {
                tailer.seekToStart();
            }
            else if ("end".equals(from))
            {
                tailer.seekToEnd();
            }
            else if (from.startsWith("seq:"))
            {
                final long sequence = Long.parseLong(from.substring(4));
                if (sequence < 0)
                {
                    parent.err.println("varve tail: --from seq:N needs N >= 0 (sequences start at 0): from=" + from);
                    return false;
                }
                tailer.seekToSequence(sequence);
            }
            else if (from.startsWith("time:"))
            {
                seekToTime(tailer, Instant.parse(from.substring(5)));
            }
            else
            {
                parent.err.println("varve tail: --from must be start, end, seq:N or time:ISO-8601: from=" + from);
                return false;
            }
            return true;
        }
        catch (final NumberFormatException | DateTimeParseException ex)
        {
            parent.err.println("varve tail: cannot parse --from " + from + ": " + ex.getMessage());
            return false;
        }
    }

    /**
     * The first record at or after a time. Times outside what epoch nanos hold (before 1677 or after 2262) clamp to
     * the ends; a time before the first record starts at the first record, as the help says.
     */
    private static void seekToTime(final Tailer tailer, final Instant instant)
    {
        long epochNanos;
        try
        {
            epochNanos = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        }
        catch (final ArithmeticException ex)
        {
            epochNanos = instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        try
        {
            tailer.seekToTimestamp(epochNanos);
        }
        catch (final TailerSeekException ex)
        {
            tailer.seekToStart(); // the time is before the first record
        }
    }

    /**
     * Formats each record; the CLI may allocate, the tailer underneath does not.
     */
    private static final class Printer implements RecordHandler
    {
        private final PrintStream out;
        private final Format format;
        private final Tailer tailer;
        private final StringBuilder line = new StringBuilder(256);
        private final Integer onlyType;
        private long printed;

        private Printer(final PrintStream out, final Format format, final Tailer tailer, final Integer onlyType)
        {
            this.out = out;
            this.format = format;
            this.tailer = tailer;
            this.onlyType = onlyType;
        }

        public void onRecord(
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final long sequence,
            final long timestamp,
            final int type)
        {
            if (onlyType != null && type != onlyType)
            {
                return;
            }
            final long position = tailer.position();
            line.setLength(0);
            switch (format)
            {
                case json:
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    line.append("{\"sequence\":").append(sequence)
                        .append(",\"position\":").append(position)
                        .append(",\"timestamp\":").append(timestamp)
                        .append(",\"type\":").append(type)
                        .append(",\"length\":").append(length)
                        .append(",\"payload\":\"").append(Base64.getEncoder().encodeToString(bytes)).append("\"}");
                    break;

                case hex:
                    header(sequence, position, timestamp, type, length);
                    for (int row = 0; row < length; row += 16)
                    {
                        line.append("\n  ");
                        for (int shift = 20; shift >= 0; shift -= 4)
                        {
                            line.append(HEX_DIGITS[(row >>> shift) & 0xF]);
                        }
                        line.append(' ');
                        for (int i = row; i < row + 16; i++)
                        {
                            if (i < length)
                            {
                                final int b = buffer.getByte(offset + i) & 0xFF;
                                line.append(' ').append(HEX_DIGITS[b >>> 4]).append(HEX_DIGITS[b & 0xF]);
                            }
                            else
                            {
                                line.append("   ");
                            }
                        }
                        line.append("  |");
                        for (int i = row; i < Math.min(row + 16, length); i++)
                        {
                            line.append(printable(buffer.getByte(offset + i)));
                        }
                        line.append('|');
                    }
                    break;

                default:
                    header(sequence, position, timestamp, type, length);
                    line.append(" |");
                    for (int i = 0; i < Math.min(length, TEXT_PREVIEW); i++)
                    {
                        line.append(printable(buffer.getByte(offset + i)));
                    }
                    line.append(length > TEXT_PREVIEW ? "|..." : "|");
                    break;
            }
            out.println(line);
            printed++;
        }

        private void header(final long sequence, final long position, final long timestamp, final int type,
            final int length)
        {
            line.append("seq=").append(sequence)
                .append(" pos=").append(position)
                .append(" time=").append(Instant.ofEpochSecond(0, timestamp))
                .append(" type=").append(type)
                .append(" len=").append(length);
        }

        private static char printable(final byte b)
        {
            return b >= 0x20 && b < 0x7f ? (char)b : '.';
        }
    }
}
