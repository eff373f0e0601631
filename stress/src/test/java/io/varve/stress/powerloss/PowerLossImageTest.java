package io.varve.stress.powerloss;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.write.Appender;
import io.varve.journal.write.RecordClaim;
import io.varve.stress.DirectorySnapshot;
import io.varve.stress.JournalContents;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power-loss images: a journal is written, synced, written further without a sync (sometimes with a claim left
 * open), and its files are captured at both moments; {@link PowerLossImage} then builds disk images in which every
 * page written after the sync is kept, dropped or garbage. For each image:
 * <ul>
 *     <li>{@code varve verify} finds nothing wrong below the durable position;</li>
 *     <li>a tailer reading the image before any recovery delivers an exact prefix of what was written, covering
 *     every synced record, and stops or refuses, never delivering a corrupt record;</li>
 *     <li>opening (recovery) succeeds and keeps an exact prefix that covers at least the synced position;</li>
 *     <li>appending continues, and the closed journal verifies clean.</li>
 * </ul>
 * Images: {@code -Dvarve.stress.images} (CI about 1000). They live on tmpfs when there is one: the point is the
 * recovery logic, and thousands of fsyncs would only slow it down.
 */
class PowerLossImageTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int IMAGES_PER_JOURNAL = 20;

    @Test
    void shouldRecoverAnExactPrefixCoveringTheSyncedPositionFromEveryImage()
    {
        final long seed = StressSettings.seed();
        final int images = StressSettings.images();
        System.out.println("PowerLossImageTest: seed=" + seed + " images=" + images);
        final SplittableRandom random = new SplittableRandom(seed);
        final Path root = StressSettings.memoryScratchDirectory("varve-powerloss-");
        final PowerLossImage.Tally tally = new PowerLossImage.Tally();
        final long[] outcomes = new long[3];
        try
        {
            int built = 0;
            for (int journal = 0; built < images; journal++)
            {
                final Base base = buildBase(root.resolve("base-" + journal), random);
                for (int i = 0; i < IMAGES_PER_JOURNAL && built < images; i++, built++)
                {
                    final String where = "seed=" + seed + " image=" + built + " durable=" + base.durablePosition;
                    final Path image = root.resolve("image-" + built);
                    PowerLossImage.build(base.synced, base.latest, base.durablePosition, SEGMENT_LENGTH,
                        random.nextInt(4) == 0, random, tally).writeTo(image);
                    outcomes[check(image, base, where)]++;
                    StressSettings.deleteTree(image);
                }
                StressSettings.deleteTree(root.resolve("base-" + journal));
            }
        }
        finally
        {
            StressSettings.deleteTree(root);
        }
        System.out.println("PowerLossImageTest: images=" + images + " recoveredEverything=" + outcomes[0] +
            " recoveredAPrefix=" + outcomes[1] + " recoveredOnlySynced=" + outcomes[2] + " pagesKept=" + tally.kept +
            " pagesDropped=" + tally.dropped + " pagesGarbage=" + tally.garbage + " filesMissing=" +
            tally.missingFiles + " filesShort=" + tally.shortFiles);
        if (images >= 100)
        {
            // a run in which no image lost anything, or no page was garbled, would have tested nothing
            assertTrue(outcomes[1] + outcomes[2] > 0, "some images lost unsynced records");
            assertTrue(tally.garbage > 0 && tally.dropped > 0, "some pages were garbage, some were dropped");
        }
    }

    /**
     * A journal captured right after a sync and again at the moment of the "power loss".
     */
    private record Base(
        RecordPattern pattern,
        DirectorySnapshot synced,
        DirectorySnapshot latest,
        long durablePosition,
        long syncedSequence,
        LongArrayList positions)
    {
    }

    private static Base buildBase(final Path directory, final SplittableRandom random)
    {
        final RecordPattern pattern = new RecordPattern(random.nextLong());
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        try (Journal journal = Journal.open(new JournalContext().directory(directory).segmentLength(SEGMENT_LENGTH)))
        {
            final Appender appender = journal.appender();
            append(appender, pattern, payload, 1 + random.nextInt(300));
            final long durable = appender.sync();
            final long syncedSequence = appender.nextSequence();
            awaitNextSegment(journal);
            final DirectorySnapshot synced = DirectorySnapshot.of(directory);
            append(appender, pattern, payload, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(250));
            RecordClaim open = null;
            if (random.nextInt(3) == 0)
            {
                final long sequence = appender.nextSequence();
                open = appender.claim(pattern.length(sequence), pattern.type(sequence));
                pattern.fill(open.buffer(), 0, sequence);
            }
            awaitNextSegment(journal);
            final DirectorySnapshot latest = DirectorySnapshot.of(directory);
            if (open != null)
            {
                open.abort();
            }
            checkSyncedBytesUnchanged(synced, latest, durable);
            final LongArrayList positions = JournalContents.readAll(journal.tailer(), pattern).positions();
            return new Base(pattern, synced, latest, durable, syncedSequence, positions);
        }
    }

    private static void append(
        final Appender appender, final RecordPattern pattern, final UnsafeBuffer payload, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = appender.nextSequence();
            pattern.fill(payload, 0, sequence);
            appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
        }
    }

    /**
     * Let the background thread finish preparing the next segment, so the capture is not torn by it.
     */
    private static void awaitNextSegment(final Journal journal)
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        final long next = (journal.appender().position() & -(long)SEGMENT_LENGTH) + SEGMENT_LENGTH;
        final Path nextFile = journal.directory().resolve(JournalDirectoryLayout.segmentFileName(next));
        while (!(nextFile.toFile().length() == SEGMENT_LENGTH) && System.nanoTime() - deadline < 0)
        {
            Thread.onSpinWait();
        }
        try
        {
            Thread.sleep(2);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Nothing below the durable position may change once it is synced: recovery trusts those bytes.
     */
    private static void checkSyncedBytesUnchanged(
        final DirectorySnapshot synced, final DirectorySnapshot latest, final long durablePosition)
    {
        for (final Map.Entry<String, byte[]> entry : synced.files().entrySet())
        {
            final long base = JournalDirectoryLayout.parseBasePosition(entry.getKey(),
                JournalDirectoryLayout.SEGMENT_SUFFIX);
            if (base >= 0 && base < durablePosition)
            {
                final int durableEnd = (int)Math.min(SEGMENT_LENGTH, durablePosition - base);
                final byte[] now = latest.files().get(entry.getKey());
                assertTrue(now != null && Arrays.equals(entry.getValue(), 0, durableEnd, now, 0, durableEnd),
                    entry.getKey() + " changed below the durable position " + durablePosition + " after the sync");
            }
        }
    }

    /**
     * @return 0 when recovery kept every record, 1 a longer prefix than the synced one, 2 just the synced records.
     */
    private static int check(final Path image, final Base base, final String where)
    {
        final VerifyReport before = JournalContents.verify(image);
        assertFalse(before.hasErrors(), where + ": verify before recovery: " + before.findings());
        final long readBeforeRecovery = readWithoutRecovery(image, base, where);
        assertTrue(readBeforeRecovery >= base.syncedSequence, where + ": a tailer read " + readBeforeRecovery +
            " records before recovery, " + base.syncedSequence + " were synced");

        final long kept;
        try (Journal journal = Journal.open(new JournalContext().directory(image)))
        {
            final RecoveryReport report = journal.recoveryReport();
            assertTrue(report.endPosition() >= base.durablePosition, where + ": " + report);
            assertTrue(report.nextSequence() >= base.syncedSequence, where + ": " + report);
            final JournalContents.Contents contents = JournalContents.readAll(journal.tailer(), base.pattern);
            assertEquals(report.nextSequence(), contents.nextSequence(), where + ": " + report);
            assertExactPrefix(contents.positions(), base.positions, where);
            kept = contents.records();
            final Appender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
            append(appender, base.pattern, payload, 1);
        }
        final VerifyReport after = JournalContents.verify(image);
        for (final VerifyReport.Finding finding : after.findings())
        {
            // recovery rebuilds the indexes of the segments it scans; older ones rotted in the image stay
            // damaged, which is a warning about derived data and nothing more
            assertTrue(finding.severity() == VerifyReport.Severity.WARNING &&
                finding.file().getFileName().toString().endsWith(JournalDirectoryLayout.INDEX_SUFFIX),
                where + ": verify after recovery: " + after.findings());
        }
        assertEquals(kept + 1, after.records(), where);
        return kept == base.positions.size() ? 0 : kept > base.syncedSequence ? 1 : 2;
    }

    /**
     * A tailer on the image as the loss left it: whatever it delivers must be what was written.
     *
     * @return records delivered before it stopped or refused.
     */
    private static long readWithoutRecovery(final Path image, final Base base, final String where)
    {
        final LongArrayList positions = new LongArrayList();
        try (JournalReader reader = JournalReader.open(image); Tailer tailer = reader.tailer())
        {
            JournalContents.read(tailer, base.pattern, positions);
        }
        catch (final JournalCorruptionException ex)
        {
            // refusing a torn frame is right, provided everything synced was delivered first (checked below)
            assertTrue(positions.size() >= base.syncedSequence, where + ": refused at " + ex.getMessage());
        }
        assertExactPrefix(positions, base.positions, where + " (before recovery)");
        return positions.size();
    }

    private static void assertExactPrefix(final LongArrayList read, final LongArrayList written, final String where)
    {
        assertTrue(read.size() <= written.size(), where + ": read " + read.size() + " records, only " +
            written.size() + " were written");
        for (int i = 0; i < read.size(); i++)
        {
            assertEquals(written.getLong(i), read.getLong(i), where + ": record " + i + " moved");
        }
    }
}
