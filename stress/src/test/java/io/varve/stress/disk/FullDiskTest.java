package io.varve.stress.disk;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.write.Appender;
import io.varve.stress.ChildProcess;
import io.varve.stress.JournalContents;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full disk: writers in child JVMs under {@code ulimit -f} at many limits (the limit caps every file's size, so a
 * segment longer than the limit cannot be allocated, as on a full disk), on new journals and on journals written
 * before. For each limit the test works out where the writer must be refused (the metadata file, the first
 * segment, the next segment, or nowhere) and checks that:
 * <ul>
 *     <li>it is refused exactly there, with a {@link StorageSpaceException} naming the file and the OS error;</li>
 *     <li>the JVM does not die: the writer reports the refusal, is refused again on the next append, syncs, closes
 *     and exits 0;</li>
 *     <li>nothing written before is lost: reopened without the limit, the journal holds every record the writer
 *     appended, intact, verifies clean and takes appends.</li>
 * </ul>
 * Limits: {@code -Dvarve.stress.limits} (CI 12).
 */
class FullDiskTest
{
    private static final int[] SEGMENT_LENGTHS = {64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20};

    @Test
    void shouldRefuseAllocationCleanlyAndLoseNothingAtEveryLimit()
    {
        final long seed = StressSettings.seed();
        final int limits = StressSettings.limits();
        System.out.println("FullDiskTest: seed=" + seed + " limits=" + limits);
        final SplittableRandom random = new SplittableRandom(seed);
        final Path root = StressSettings.scratchDirectory("varve-fulldisk-");
        final List<String> outcomes = new ArrayList<>();
        try
        {
            for (int run = 0; run < limits; run++)
            {
                final int segmentLength = SEGMENT_LENGTHS[random.nextInt(SEGMENT_LENGTHS.length)];
                final boolean existing = run % 2 == 1;
                final long limit = chooseLimit(segmentLength, random, run);
                final String where = "seed=" + seed + " run=" + run + " segmentLength=" + segmentLength +
                    " limitKiB=" + limit / 1024 + " existing=" + existing;
                outcomes.add(runOnce(root.resolve("run-" + run), segmentLength, existing, limit, random, where));
            }
        }
        finally
        {
            StressSettings.deleteTree(root);
        }
        System.out.println("FullDiskTest: " + outcomes);
    }

    private static long chooseLimit(final int segmentLength, final SplittableRandom random, final int run)
    {
        if (run == 0)
        {
            return 0;
        }
        return switch (run % 6)
        {
            case 0 -> random.nextInt(MetadataDescriptor.FILE_LENGTH + 8192);
            case 1, 4 -> segmentLength / 2 + random.nextInt(segmentLength);
            case 2 -> segmentLength - 1024 * (1 + random.nextInt(8));
            case 3 -> random.nextInt(segmentLength);
            default -> segmentLength + random.nextInt(2 * segmentLength);
        };
    }

    private static String runOnce(
        final Path directory,
        final int segmentLength,
        final boolean existing,
        final long limit,
        final SplittableRandom random,
        final String where)
    {
        final RecordPattern pattern = new RecordPattern(random.nextLong());
        final long before = existing ? writeBefore(directory, segmentLength, pattern, random) : 0;
        final long limitBytes = limit / 1024 * 1024;
        final ChildProcess child = ChildProcess.javaWithFileSizeLimit(limitBytes, FullDiskWriter.class,
            directory.toString(), Long.toString(pattern.seed()), Integer.toString(segmentLength),
            Long.toString(3L * segmentLength));
        final List<String> lines = new ArrayList<>();
        String line;
        while ((line = child.nextLine(120_000)) != null)
        {
            lines.add(line);
        }
        final int exitCode = child.waitFor(30_000);
        final String output = String.join("\n", lines);
        assertEquals(0, exitCode, where + ": the writer's JVM died: " + output);
        assertTrue(lines.stream().noneMatch((l) -> l.startsWith("UNEXPECTED")), where + ": " + output);

        final String expected = expectedRefusal(existing, limitBytes, segmentLength);
        final String outcome;
        if (expected == null)
        {
            assertTrue(lines.stream().anyMatch((l) -> l.startsWith("NOT_FULL ")), where + ": refused below the " +
                "limit: " + output);
            outcome = "written";
        }
        else if (expected.equals("open"))
        {
            final String refused = find(lines, "OPEN_REFUSED ", where, output);
            assertTrue(refused.contains(StorageSpaceException.class.getName()) && refused.contains("File too large"),
                where + ": " + refused);
            final String file = limitBytes == 0 ? JournalDirectoryLayout.LOCK_FILE :
                existing || limitBytes >= MetadataDescriptor.FILE_LENGTH ? JournalDirectoryLayout.SEGMENT_SUFFIX :
                JournalDirectoryLayout.METADATA_TEMPORARY_FILE;
            assertTrue(refused.contains(file), where + ": names the file " + file + ": " + refused);
            outcome = "refused at open";
        }
        else
        {
            final String full = find(lines, "FULL ", where, output);
            assertTrue(full.contains("File too large") && full.contains(JournalDirectoryLayout.SEGMENT_SUFFIX) &&
                full.contains("requested="), where + ": " + full);
            assertTrue(lines.contains("STILL_FULL"), where + ": " + output);
            find(lines, "SYNCED ", where, output);
            outcome = "refused at a roll";
        }
        final long records = "open".equals(expected) ? before :
            Long.parseLong(find(lines, "CLOSED ", where, output).split(" ")[1]);
        assertTrue(records >= before, where + ": " + output);
        checkNothingLost(directory, pattern, records, where);
        return outcome;
    }

    /**
     * @return null when the writer must not be refused, "open" when opening must fail, "roll" when a roll must.
     */
    private static String expectedRefusal(final boolean existing, final long limitBytes, final int segmentLength)
    {
        if (limitBytes == 0 || (!existing && limitBytes < MetadataDescriptor.FILE_LENGTH))
        {
            return "open";
        }
        if (limitBytes < segmentLength)
        {
            return existing ? "roll" : "open";
        }
        return null;
    }

    private static String find(final List<String> lines, final String prefix, final String where, final String output)
    {
        return lines.stream().filter((l) -> l.startsWith(prefix)).findFirst().orElseThrow(
            () -> new AssertionError(where + ": no '" + prefix + "' line: " + output));
    }

    private static long writeBefore(
        final Path directory, final int segmentLength, final RecordPattern pattern, final SplittableRandom random)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
        try (Journal journal = Journal.open(new JournalContext().directory(directory).segmentLength(segmentLength)))
        {
            final Appender appender = journal.appender();
            final long target = segmentLength / 4 + random.nextInt(2 * segmentLength);
            while (appender.position() < target)
            {
                final long sequence = appender.nextSequence();
                pattern.fill(payload, 0, sequence);
                appender.append(payload, 0, pattern.length(sequence), pattern.type(sequence));
            }
            return appender.nextSequence();
        }
    }

    private static void checkNothingLost(
        final Path directory, final RecordPattern pattern, final long records, final String where)
    {
        if (!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            assertEquals(0, records, where + ": records written but no journal left");
            assertTrue(!Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_TEMPORARY_FILE)) ||
                directory.resolve(JournalDirectoryLayout.METADATA_TEMPORARY_FILE).toFile().length() == 0,
                where + ": a partly allocated metadata file was left behind");
            return;
        }
        try (Journal journal = Journal.open(new JournalContext().directory(directory)))
        {
            assertEquals(records, journal.appender().nextSequence(), where + ": " + journal.recoveryReport());
            final JournalContents.Contents contents = JournalContents.readAll(journal.tailer(), pattern);
            assertEquals(records, contents.records(), where);
            final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
            pattern.fill(payload, 0, records);
            journal.appender().append(payload, 0, pattern.length(records), pattern.type(records));
        }
        final VerifyReport report = JournalContents.verify(directory);
        assertTrue(report.findings().isEmpty(), where + ": " + report.findings());
        assertEquals(records + 1, report.records(), where);
    }
}
