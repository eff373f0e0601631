package io.varve.stress.crash;

import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import io.varve.stress.RecordPattern;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer the crash torture kills: {@code CrashWriter DIR JOURNAL_SEED CYCLE_SEED SEGMENT_LENGTH}. It opens
 * (and so recovers) the journal, prints {@code OPEN nextSequence endPosition policy}, then appends records of
 * {@link RecordPattern} sizes forever, by copy or by claim (aborting some claims first), at a throttled rate, and
 * syncs at random points. After every {@code sync()} that returns it prints {@code ACK durablePosition nextSequence}:
 * the parent counts everything acknowledged there as promised to survive. The fsync policy differs per cycle, so
 * kills land during periodic background forces and per-record forces too.
 */
public final class CrashWriter
{
    private CrashWriter()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final RecordPattern pattern = new RecordPattern(Long.parseLong(args[1]));
        final SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        final int segmentLength = Integer.parseInt(args[3]);
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);

        final FsyncPolicy policy = choosePolicy(random);
        final int syncEvery = 2 + random.nextInt(300);
        final long bytesPerMilli = 2_000 + random.nextInt(30_000);
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        try (Journal journal = Journal.open(new JournalContext().directory(directory).segmentLength(segmentLength)
            .fsyncPolicy(policy).fullRecoveryScan(random.nextBoolean())))
        {
            final Appender appender = journal.appender();
            final RecoveryReport report = journal.recoveryReport();
            out.println("OPEN " + report.nextSequence() + " " + report.endPosition() + " " + policy);
            long windowStart = System.nanoTime();
            long windowBytes = 0;
            while (true)
            {
                final long sequence = appender.nextSequence();
                final int length = pattern.length(sequence);
                if (random.nextInt(3) == 0)
                {
                    if (random.nextInt(20) == 0)
                    {
                        appender.claim(length, pattern.type(sequence)).abort();
                    }
                    final RecordClaim claim = appender.claim(length, pattern.type(sequence));
                    pattern.fill(claim.buffer(), 0, sequence);
                    if (random.nextInt(40) == 0)
                    {
                        // an application encoding in place takes its time: a kill now leaves a claimed,
                        // filled, uncommitted frame, the torn tail recovery must drop and report
                        LockSupport.parkNanos(200_000 + random.nextInt(3_000_000));
                    }
                    claim.commit();
                }
                else
                {
                    pattern.fill(payload, 0, sequence);
                    appender.append(payload, 0, length, pattern.type(sequence));
                }
                if (policy.kind() == FsyncPolicy.Kind.EVERY_RECORD)
                {
                    out.println("ACK " + appender.durablePosition() + " " + appender.nextSequence());
                }
                else if (random.nextInt(syncEvery) == 0)
                {
                    final long durable = appender.sync();
                    out.println("ACK " + durable + " " + appender.nextSequence());
                }
                windowBytes += length;
                if (windowBytes > bytesPerMilli)
                {
                    final long elapsed = System.nanoTime() - windowStart;
                    if (elapsed < 1_000_000)
                    {
                        LockSupport.parkNanos(1_000_000 - elapsed);
                    }
                    windowStart = System.nanoTime();
                    windowBytes = 0;
                }
            }
        }
    }

    private static FsyncPolicy choosePolicy(final SplittableRandom random)
    {
        final int choice = random.nextInt(20);
        if (choice < 9)
        {
            return FsyncPolicy.NONE;
        }
        if (choice < 14)
        {
            return FsyncPolicy.periodic(Duration.ofMillis(1 + random.nextInt(10)));
        }
        if (choice < 17)
        {
            return FsyncPolicy.BATCH;
        }
        return FsyncPolicy.EVERY_RECORD;
    }
}
