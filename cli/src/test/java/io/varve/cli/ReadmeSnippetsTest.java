package io.varve.cli;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.RetentionPolicy;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHandler;
import io.varve.journal.read.Tailer;
import io.varve.journal.state.SnapshotStore;
import io.varve.journal.state.StateReplay;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's Java blocks, compiled as written: each block sits below (or, for the SBE ones, in ringbuffer's
 * SbeCodecTest) between a {@code // README} and a {@code // README END} line, and
 * {@link #shouldHoldExactlyTheReadmesJavaBlocks()} checks that these hold exactly README's blocks, so a change of the API that breaks a snippet breaks the build, and a change of a
 * snippet must be made here too. The names the snippets take for granted ({@code buffer}, {@code length},
 * {@code ORDER_TYPE}, {@code dir}, {@code risk}, {@code portfolio} ...) are fields of this class. Every snippet but
 * the first (which opens {@code /data/orders}) also runs.
 */
class ReadmeSnippetsTest
{
    private static final int ORDER_TYPE = 1;
    private static final int FILL_TYPE = 2;
    private static final Path README = Path.of("").toAbsolutePath().getParent().resolve("README.md");
    /** The compiled copies: this file, and the SBE blocks in ringbuffer's tests, where the generated codecs are. */
    private static final List<Path> SOURCES = List.of(
        Path.of("src/test/java/io/varve/cli/ReadmeSnippetsTest.java"),
        README.getParent().resolve("ringbuffer/src/test/java/io/varve/ringbuffer/SbeCodecTest.java"));

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
    private final int length = 64;
    private final long orderId = 42;
    private final Risk risk = new Risk();
    private final Idle idle = new Idle();
    private final Portfolio portfolio = new Portfolio();
    private boolean running = true;

    @Test
    void shouldHoldExactlyTheReadmesJavaBlocks() throws IOException
    {
        final List<String> readmeBlocks = blocks(Files.readAllLines(README, StandardCharsets.UTF_8), "```java", "```");
        final List<String> testBlocks = new ArrayList<>();
        for (final Path source : SOURCES)
        {
            testBlocks.addAll(blocks(Files.readAllLines(source, StandardCharsets.UTF_8), "// README", "// README END"));
        }
        assertTrue(readmeBlocks.size() >= 9, "README's Java blocks: " + readmeBlocks.size());
        assertEquals(readmeBlocks.stream().sorted().toList(), testBlocks.stream().sorted().toList(),
            "README.md's ```java blocks and the compiled ones must be the same");
    }

    @Test
    void shouldGiveTheBuildsVersionInTheReadmesCoordinates() throws IOException
    {
        final String pom = Files.readString(README.getParent().resolve("pom.xml"), StandardCharsets.UTF_8);
        final Matcher version = Pattern.compile(
            "<artifactId>varve-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find());
        final String readme = Files.readString(README, StandardCharsets.UTF_8);
        assertTrue(readme.contains("<artifactId>varve-bom</artifactId>\n            <version>" + version.group(1) +
            "</version>"), "README imports varve-bom at the build's version " + version.group(1));
    }

    @SuppressWarnings("unused")
    void openAppendClaimSync()
    {
        // README
        try (Journal journal = Journal.open(new JournalContext()
            .directory(Path.of("/data/orders"))
            .fsyncPolicy(FsyncPolicy.periodic(Duration.ofMillis(10)))
            .retention(RetentionPolicy.unlimited().maxBytes(100L << 30))))
        {
            final Appender appender = journal.appender();              // one thread appends
            appender.append(buffer, 0, length, ORDER_TYPE);           // returns the record's position

            final RecordClaim claim = appender.claim(24, FILL_TYPE);  // zero-copy: encode in the segment
            claim.buffer().putLong(0, orderId);
            claim.commit();

            final long durable = appender.sync();                     // everything appended is now on storage
        }
        // README END
    }

    @Test
    void ring()
    {
        // README
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(new JournalContext().directory(dir).fsyncPolicy(FsyncPolicy.BATCH))
            .multiProducer(true)))
        {
            final long ticket = ring.publish(buffer, 0, length, ORDER_TYPE);   // any thread, no allocation
            ring.awaitDurable(ticket, 1, TimeUnit.SECONDS);                    // true once the covering force returned
            final long sequence = ring.journalSequence(ticket);                // where it landed in the journal
        }
        // README END
    }

    @Test
    void tail()
    {
        limits();
        // README
        try (JournalReader reader = JournalReader.open(dir);
             Tailer tailer = reader.tailer("risk-engine"))          // named: resumes where it stopped
        {
            final RecordHandler handler = (buffer, offset, length, sequence, timestamp, type) -> risk.apply(buffer, offset);
            while (running)
            {
                if (tailer.poll(handler, 256) == 0)
                {
                    idle.idle();
                }
            }
        }
        // README END
        assertEquals(1, risk.records);
    }

    @Test
    void awaitOpen()
    {
        limits();
        // README
        try (JournalReader reader = JournalReader.awaitOpen(dir, Duration.ofMinutes(1), new SleepingMillisIdleStrategy(10)))
        {
            final long journalId = reader.journalId();              // the writer has created the journal
        }
        // README END
    }

    @Test
    void stateReplay()
    {
        limits();
        // README
        try (JournalReader reader = JournalReader.open(dir))
        {
            final SnapshotStore snapshots = new SnapshotStore(dir.resolve("snapshots"), reader.journalId(), 3);
            final StateReplay.Result result = StateReplay.recover(reader, snapshots, portfolio::restore, portfolio);
        }
        // README END
        assertEquals(1, portfolio.records);
    }

    @Test
    void limits()
    {
        // README
        try (Journal journal = Journal.open(new JournalContext()
            .directory(dir)
            .segmentLength(4 * 1024 * 1024)                          // 4 MiB segments instead of 64 MiB
            .prepareAhead(false)                                     // nothing allocated ahead; rolls wait for it
            .segmentMaxAge(Duration.ofDays(1))                       // a new segment at least daily
            .retention(RetentionPolicy.unlimited().maxAge(Duration.ofDays(7)))))
        {
            journal.appender().append(buffer, 0, length, ORDER_TYPE);
        }
        // README END
    }

    private static List<String> blocks(final List<String> lines, final String open, final String close)
    {
        final List<String> blocks = new ArrayList<>();
        List<String> block = null;
        for (final String line : lines)
        {
            final String trimmed = line.trim();
            if (block == null && trimmed.equals(open))
            {
                block = new ArrayList<>();
            }
            else if (block != null && trimmed.equals(close))
            {
                blocks.add(dedent(block));
                block = null;
            }
            else if (block != null)
            {
                block.add(line);
            }
        }
        return blocks;
    }

    private static String dedent(final List<String> block)
    {
        final int indent = block.stream().filter((line) -> !line.isBlank())
            .mapToInt((line) -> line.length() - line.stripLeading().length()).min().orElse(0);
        final StringBuilder text = new StringBuilder();
        for (final String line : block)
        {
            text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return text.toString();
    }

    private static final class Risk
    {
        private int records;

        void apply(final DirectBuffer buffer, final int offset)
        {
            records++;
        }
    }

    private final class Idle
    {
        void idle()
        {
            running = false;
        }
    }

    private static final class Portfolio implements RecordHandler
    {
        private int records;

        void restore(final DirectBuffer state, final int offset, final int length, final long nextSequence)
        {
            records = -1;
        }

        public void onRecord(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final long timestamp,
            final int type)
        {
            records++;
        }
    }
}
