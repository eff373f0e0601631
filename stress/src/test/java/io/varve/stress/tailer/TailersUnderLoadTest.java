package io.varve.stress.tailer;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import io.varve.stress.ChildProcess;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tailers under load: three tailer processes ({@link LoadTailer}: two unnamed, one named) follow a writer that rolls
 * 64 KiB segments (the smallest) as fast as it appends, in bursts with pauses so tailers are often at the live
 * edge when a roll happens, with a periodic background sync unmapping sealed segments under them; a fourth tailer
 * process joins half way and catches up through the sealed segments. Every one of them must deliver every record
 * exactly once, in order, intact. Records: {@code -Dvarve.stress.tailerRecords} (CI 50,000).
 */
class TailersUnderLoadTest
{
    static final int SEGMENT_LENGTH = 64 * 1024;

    @Test
    void shouldDeliverEveryRecordOnceToEveryTailerProcessWhileSegmentsRoll()
    {
        final long seed = StressSettings.seed();
        final int records = StressSettings.tailerRecords();
        System.out.println("TailersUnderLoadTest: seed=" + seed + " records=" + records);
        final SplittableRandom random = new SplittableRandom(seed);
        final RecordPattern pattern = new RecordPattern(random.nextLong());
        final Path directory = StressSettings.scratchDirectory("varve-tailers-");
        final List<ChildProcess> tailers = new ArrayList<>();
        final long rolls;
        try (Journal journal = Journal.open(new JournalContext().directory(directory).segmentLength(SEGMENT_LENGTH)
            .fsyncPolicy(FsyncPolicy.periodic(Duration.ofMillis(5)))))
        {
            tailers.add(start(directory, pattern, records));
            tailers.add(start(directory, pattern, records));
            tailers.add(start(directory, pattern, records, "audit"));
            for (final ChildProcess tailer : tailers)
            {
                tailer.awaitLine("READY", 60_000);
            }
            final long started = System.nanoTime();
            final Appender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
            while (appender.nextSequence() < records)
            {
                final int burst = 1 + random.nextInt(3000);
                for (int i = 0; i < burst && appender.nextSequence() < records; i++)
                {
                    append(appender, pattern, payload, random);
                }
                if (tailers.size() == 3 && appender.nextSequence() >= records / 2)
                {
                    tailers.add(start(directory, pattern, records));
                }
                LockSupport.parkNanos(random.nextInt(2_000_000));
            }
            rolls = journal.metadata().counterValue(JournalCounter.ROLLS);
            final long written = System.nanoTime();
            System.out.println("TailersUnderLoadTest: writer took " + (written - started) / 1_000_000 + " ms");
            for (final ChildProcess tailer : tailers)
            {
                final String result = tailer.awaitLine("", 300_000);
                String line = result;
                while (!(line.startsWith("DONE ") || line.startsWith("ERROR ") || line.startsWith("STALLED ")))
                {
                    line = tailer.awaitLine("", 300_000);
                }
                assertTrue(line.startsWith("DONE " + records + " "), "seed=" + seed + ": tailer " + tailer.pid() +
                    ": " + line);
                System.out.println("TailersUnderLoadTest: tailer " + tailer.pid() + " " + line + " lagMillis=" +
                    (System.nanoTime() - written) / 1_000_000);
            }
        }
        finally
        {
            for (final ChildProcess tailer : tailers)
            {
                tailer.close();
            }
            StressSettings.deleteTree(directory);
        }
        assertTrue(rolls > 100, "only " + rolls + " rolls");
        System.out.println("TailersUnderLoadTest: records=" + records + " rolls=" + rolls + " tailers=" +
            tailers.size());
    }

    private static ChildProcess start(
        final Path directory, final RecordPattern pattern, final int records, final String... name)
    {
        final List<String> args = new ArrayList<>(List.of(directory.toString(), Long.toString(pattern.seed()),
            Integer.toString(records)));
        args.addAll(List.of(name));
        return ChildProcess.java(LoadTailer.class, args.toArray(new String[0]));
    }

    private static void append(
        final Appender appender, final RecordPattern pattern, final UnsafeBuffer payload,
        final SplittableRandom random)
    {
        final long sequence = appender.nextSequence();
        final int length = pattern.length(sequence);
        if (random.nextInt(4) == 0)
        {
            final RecordClaim claim = appender.claim(length, pattern.type(sequence));
            pattern.fill(claim.buffer(), 0, sequence);
            claim.commit();
        }
        else
        {
            pattern.fill(payload, 0, sequence);
            appender.append(payload, 0, length, pattern.type(sequence));
        }
    }
}
