package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailCommandTest
{
    private static final Pattern JSON = Pattern.compile("\\{\"sequence\":(\\d+),\"position\":(\\d+)," +
        "\"timestamp\":(\\d+),\"type\":(\\d+),\"length\":(\\d+),\"payload\":\"([A-Za-z0-9+/=]*)\"}");

    @TempDir
    Path dir;

    private void append(final int count)
    {
        assertEquals(0, CliRun.run("append", dir.toString(), "--count", Integer.toString(count), "--size", "64",
            "--segment-size", "64k").exitCode());
    }

    @Test
    void shouldPrintJsonLinesWithEveryField()
    {
        append(2000);
        final CliRun run = CliRun.run("tail", dir.toString(), "--from", "seq:1500", "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(500, lines.size());
        long expected = 1500;
        for (final String line : lines)
        {
            final Matcher matcher = JSON.matcher(line);
            assertTrue(matcher.matches(), line);
            assertEquals(expected, Long.parseLong(matcher.group(1)));
            assertEquals(64, Integer.parseInt(matcher.group(5)));
            final byte[] payload = Base64.getDecoder().decode(matcher.group(6));
            assertEquals(64, payload.length);
            assertEquals(expected, new UnsafeBuffer(payload).getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN));
            expected++;
        }
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            final Matcher first = JSON.matcher(lines.get(0));
            assertTrue(first.matches());
            tailer.seekToSequence(1500);
            assertEquals(tailer.position(), Long.parseLong(first.group(2)), "position is the record's");
        }
    }

    @Test
    void shouldStartFromTimeAndCountAndFormatTextAndHex()
    {
        append(100);
        final CliRun all = CliRun.run("tail", dir.toString(), "--format", "json");
        final Matcher record50 = JSON.matcher(all.out().lines().toList().get(50));
        assertTrue(record50.matches());
        final long nanos = Long.parseLong(record50.group(3));
        final String iso = Instant.ofEpochSecond(0, nanos).toString();
        final CliRun fromTime = CliRun.run("tail", dir.toString(), "--from", "time:" + iso, "--count", "3");
        assertEquals(0, fromTime.exitCode(), fromTime.err());
        final List<String> lines = fromTime.out().lines().toList();
        assertEquals(3, lines.size());
        final long firstSequence = Long.parseLong(lines.get(0).split(" ")[0].substring(4));
        assertTrue(firstSequence <= 50, "first record at or after the time: " + lines.get(0));
        assertTrue(lines.get(0).contains(" type=0 len=64 |"), lines.get(0));

        final CliRun hex = CliRun.run("tail", dir.toString(), "--from", "seq:7", "--count", "1", "--format", "hex");
        assertTrue(hex.out().contains("  000000  07 00 00 00 00 00 00 00 08 09 0a 0b"), hex.out());
        assertEquals(5, hex.out().lines().count(), "a header line and four rows of 16 bytes");
    }

    @Test
    void shouldPrintNothingFromTheEndAndRejectBadFrom()
    {
        append(10);
        assertEquals("", CliRun.run("tail", dir.toString(), "--from", "end").out());
        final CliRun bad = CliRun.run("tail", dir.toString(), "--from", "yesterday");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--from must be start, end, seq:N or time:ISO-8601"), bad.err());
        final CliRun past = CliRun.run("tail", dir.toString(), "--from", "seq:11");
        assertEquals(1, past.exitCode(), past.toString());
        assertTrue(past.err().contains("seek past the end"), past.err());
        final CliRun notJournal = CliRun.run("tail", dir.resolve("nope").toString());
        assertEquals(2, notJournal.exitCode(), notJournal.toString());
        assertTrue(notJournal.err().contains("not a journal"), notJournal.err());
    }

    @Test
    void shouldFollowTheWriterAcrossRollsUntilCount() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final AtomicInteger exitCode = new AtomicInteger(-1);
        try (Journal journal = Journal.open(new JournalContext().directory(dir).segmentLength(65536)))
        {
            final Thread follower = new Thread(() -> exitCode.set(VarveCommand.run(
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "tail", dir.toString(), "--follow", "--count", "5000", "--format", "json")));
            follower.start();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
            for (int i = 0; i < 5000; i++)
            {
                payload.putLong(0, i);
                journal.appender().append(payload, 0, 100);
                if (i % 1000 == 0)
                {
                    Thread.sleep(20);
                }
            }
            follower.join(30_000);
        }
        assertEquals(0, exitCode.get());
        final List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5000, lines.size());
        final Matcher last = JSON.matcher(lines.get(4999));
        assertTrue(last.matches());
        assertEquals(4999, Long.parseLong(last.group(1)));
        assertArrayEquals(new byte[]{ (byte)0x87, 0x13 }, java.util.Arrays.copyOf(
            Base64.getDecoder().decode(last.group(6)), 2));
    }
}
