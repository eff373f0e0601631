package io.varve.cli;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalDirectoryLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's tools: dump, describe, tail --type/--last, stat --watch, verify's progress, tune check,
 * completion, and --help on every command.
 */
class ToolsCommandTest
{
    @TempDir
    Path dir;

    private Path journal(final int records)
    {
        final Path journal = dir.resolve("j");
        try (Journal writer = Journal.open(new JournalContext().directory(journal).segmentLength(65536)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[40]);
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, i);
                writer.appender().append(payload, 0, 40, i % 3);
            }
        }
        return journal;
    }

    @Test
    void shouldDumpHeadersFramesAndIndexAndStopAtABadFrame() throws Exception
    {
        final Path journal = journal(3000);
        final CliRun dump = CliRun.run("dump", journal.toString(), "--count", "5", "--index");
        assertEquals(0, dump.exitCode(), dump.toString());
        assertTrue(dump.out().contains("metadata "), dump.out());
        assertTrue(dump.out().contains("durable slot @128"), dump.out());
        assertTrue(dump.out().contains("segment 00000000000000000000.seg: basePosition=0 baseSequence=0"), dump.out());
        assertEquals(5, dump.out().lines().filter((l) -> l.startsWith("  frame @")).count(), dump.out());
        assertTrue(dump.out().contains("  frame @64 len=72 seq=0 "), dump.out());
        assertTrue(dump.out().contains("index 00000000000000000000.idx: interval=4096"), dump.out());

        final CliRun from = CliRun.run("dump", journal.toString(), "--from", "seq:2990");
        assertEquals(10, from.out().lines().filter((l) -> l.startsWith("  frame @")).count(), from.out());

        try (RandomAccessFile file = new RandomAccessFile(
            journal.resolve(JournalDirectoryLayout.segmentFileName(0)).toFile(), "rw"))
        {
            file.seek(64 + 72 * 3 + 40);
            file.write(0xEE);
        }
        final CliRun bad = CliRun.run("dump", journal.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.out().contains("BAD: CRC32C mismatch"), bad.out());
        assertEquals(2, CliRun.run("dump", dir.resolve("none").toString()).exitCode());
        assertEquals(2, CliRun.run("dump", journal.toString(), "--from", "yesterday").exitCode());
        final CliRun badSequence = CliRun.run("dump", journal.toString(), "--from", "seq:abc");
        assertEquals(2, badSequence.exitCode(), badSequence.toString());
        assertTrue(badSequence.err().contains("--from must be start or seq:N"), badSequence.err());
        assertEquals(2, CliRun.run("dump", journal.toString(), "--count", "-1").exitCode());
        final CliRun noSegment = CliRun.run("dump", journal.toString(), "--segment", "00000000000099999999.seg");
        assertEquals(2, noSegment.exitCode(), noSegment.toString());
        assertTrue(noSegment.err().contains("no such segment"), noSegment.err());
        assertEquals(2, CliRun.run("tune").exitCode(), "a command group without its subcommand is a usage error");

        try (RandomAccessFile metadata = new RandomAccessFile(journal.resolve("journal.meta").toFile(), "rw"))
        {
            metadata.seek(0);
            metadata.write(0x00);
        }
        final CliRun damaged = CliRun.run("dump", journal.toString());
        assertEquals(1, damaged.exitCode(), "a metadata file whose identity is damaged is a problem: " + damaged);
        assertTrue(damaged.out().contains("cannot read frames"), damaged.out());
    }

    @Test
    void shouldDescribeAJournalOnOneScreen()
    {
        final Path journal = journal(3000);
        final CliRun run = CliRun.run("describe", journal.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("records       3,000: sequences 0 .. 2,999"), run.out());
        assertTrue(run.out().contains("format        version 1, segments of 65,536 bytes"), run.out());
        assertTrue(run.out().contains("writer        none (closed cleanly)"), run.out());
        assertTrue(run.out().contains("size on disk"), run.out());
        assertTrue(run.out().contains("time          20"), run.out());
        assertTrue(run.out().lines().count() <= 24, "one screen");
        assertEquals(2, CliRun.run("describe", dir.resolve("none").toString()).exitCode());
    }

    @Test
    void shouldTailTheLastRecordsOfOneType()
    {
        final Path journal = journal(3000);
        final CliRun last = CliRun.run("tail", journal.toString(), "--last", "4");
        final List<String> lines = last.out().lines().toList();
        assertEquals(4, lines.size(), last.out());
        assertTrue(lines.get(0).startsWith("seq=2996 "), lines.get(0));
        final CliRun typed = CliRun.run("tail", journal.toString(), "--type", "2", "--count", "3");
        final List<String> typedLines = typed.out().lines().toList();
        assertEquals(3, typedLines.size(), typed.out());
        for (final String line : typedLines)
        {
            assertTrue(line.contains(" type=2 "), line);
        }
        assertTrue(typedLines.get(0).startsWith("seq=2 "), typedLines.get(0));

        assertEquals(2, CliRun.run("tail", journal.toString(), "--type", "-3").exitCode());
        assertEquals(2, CliRun.run("tail", journal.toString(), "--last", "-1").exitCode());
        assertEquals(2, CliRun.run("tail", journal.toString(), "--last", "many").exitCode());
    }

    @Test
    void shouldRedrawStatInPlaceAndShowVerifyProgress()
    {
        final Path journal = journal(100);
        final CliRun watch = CliRun.run("stat", journal.toString(), "--watch", "0.01", "--iterations", "2");
        assertEquals(2, watch.out().split("\u001b\\[H\u001b\\[2J", -1).length - 1, "cleared twice: " + watch.out());
        final CliRun verify = CliRun.run("verify", journal.toString(), "--progress");
        assertEquals(0, verify.exitCode());
        assertTrue(verify.err().contains("verify"), verify.err());
        assertTrue(verify.err().contains("MiB"), verify.err());
        assertTrue(CliRun.run("verify", journal.toString()).err().isEmpty(), "no bar for a small journal");
    }

    @Test
    void shouldCheckTheHostAndFailOnlyWhenACheckFails() throws Exception
    {
        final CliRun run = CliRun.run("tune", "check", Files.createDirectory(dir.resolve("j")).toString());
        assertTrue(run.out().startsWith("CHECK"), run.out());
        for (final String check : List.of("CPUs", "journal file system", "free space", "clock source", "Agrona flag"))
        {
            assertTrue(run.out().contains(check), check + " in " + run.out());
        }
        final boolean anyFailed = run.out().lines().anyMatch((l) -> l.matches("^\\S.{23} FAIL .*"));
        assertEquals(anyFailed ? 1 : 0, run.exitCode(), run.out());
        assertEquals(2, CliRun.run("tune", "check", "--segment-size", "lots").exitCode());
    }

    @Test
    void shouldGenerateCompletionAndHelpForEveryCommand()
    {
        final CliRun completion = CliRun.run("generate-completion");
        assertEquals(0, completion.exitCode());
        assertTrue(completion.out().contains("complete -F"), completion.out().substring(0, 200));
        for (final String command : List.of("append", "verify", "tail", "stat", "dump", "describe", "backup",
            "restore", "demo", "tune"))
        {
            final CliRun help = CliRun.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().contains("Usage: varve " + command), command + ": " + help.out());
        }
    }
}
