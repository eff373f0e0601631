package io.varve.stress.corruption;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.JournalCorruptionException;
import io.varve.journal.RecoveryMode;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.Tailer;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.write.Appender;
import io.varve.stress.JournalContents;
import io.varve.stress.RecordPattern;
import io.varve.stress.StressSettings;
import io.varve.stress.VarveCli;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The corruption fuzzer, run in its own small-heap JVM by {@link CorruptionFuzzTest} so that an
 * {@link OutOfMemoryError} or a JVM crash shows as its exit code: {@code CorruptionFuzzer SEED CASES}. It captures a
 * few journals synced to different depths, then for each case damages one of them at random ({@link Damage}),
 * works out what must happen ({@link Expectation}) and checks that it does:
 * <ul>
 *     <li>{@code varve verify} exits 1 exactly when durable data is damaged, naming the first bad frame's file and
 *     offset on its first line, and 0 otherwise;</li>
 *     <li>opening in {@link RecoveryMode#STRICT} refuses with a {@link JournalCorruptionException} or opens; when it
 *     opens, a tailer delivers every record before the damage, intact, and none at or after it;</li>
 *     <li>where STRICT refused, {@link RecoveryMode#TRUNCATE_CORRUPTION} repairs: it keeps exactly the records
 *     before the damage, the repaired journal verifies without errors and takes appends (except where nothing can
 *     open it: a damaged metadata file or first segment);</li>
 *     <li>nothing throws anything but {@link JournalCorruptionException}, and no case takes longer than
 *     {@value #CASE_LIMIT_SECONDS} s (a watchdog halts the JVM with a thread dump).</li>
 * </ul>
 * Prints {@code FAIL ...} per failed case (the first {@value #MAX_REPORTED}) and ends with {@code DONE ...}.
 */
public final class CorruptionFuzzer
{
    private static final int CASE_LIMIT_SECONDS = 60;
    private static final int MAX_REPORTED = 40;

    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    private final Path scratch = StressSettings.memoryScratchDirectory("varve-fuzz-");
    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RecordPattern.MAX_LENGTH));
    private final Map<Damage.Kind, long[]> kinds = new EnumMap<>(Damage.Kind.class);
    private volatile long caseStarted = System.nanoTime();
    private volatile String current = "building journals";
    private boolean refusedAtFirstDamage;
    private long failures;
    private long verifyErrors;
    private long strictRefusals;
    private long repairs;
    private long readerRefusals;

    private CorruptionFuzzer()
    {
    }

    public static void main(final String[] args)
    {
        final long seed = Long.parseLong(args[0]);
        final int cases = Integer.parseInt(args[1]);
        new CorruptionFuzzer().run(seed, cases);
    }

    private void run(final long seed, final int cases)
    {
        startWatchdog();
        final SplittableRandom random = new SplittableRandom(seed);
        final List<FuzzJournal> journals = new ArrayList<>();
        for (final FuzzJournal.Durability durability : FuzzJournal.Durability.values())
        {
            journals.add(FuzzJournal.build(durability, random));
            journals.add(FuzzJournal.build(durability, random));
        }
        out.println("JOURNALS " + journals.size());
        try
        {
            for (int i = 0; i < cases; i++)
            {
                final FuzzJournal journal = journals.get(random.nextInt(journals.size()));
                final Damage damage = Damage.random(journal, journals, random);
                final Expectation expectation = Expectation.of(journal, damage);
                current = "case=" + i + " " + journal.durability + " " + damage + " " + expectation;
                caseStarted = System.nanoTime();
                kinds.computeIfAbsent(damage.kind, (kind) -> new long[1])[0]++;
                final List<String> problems = new ArrayList<>();
                try
                {
                    runCase(journal, damage, expectation, problems, i);
                }
                catch (final Throwable ex)
                {
                    problems.add("unexpected " + describe(ex));
                }
                if (!problems.isEmpty())
                {
                    failures++;
                    if (failures <= MAX_REPORTED)
                    {
                        out.println("FAIL " + current + ": " + String.join("; ", problems));
                    }
                }
                if ((i + 1) % 1000 == 0)
                {
                    out.println("PROGRESS " + (i + 1) + " failures=" + failures);
                }
            }
        }
        finally
        {
            StressSettings.deleteTree(scratch);
        }
        out.println("DONE cases=" + cases + " failures=" + failures + " verifyErrors=" + verifyErrors +
            " strictRefusals=" + strictRefusals + " repairs=" + repairs + " readerRefusals=" + readerRefusals +
            " kinds=" + describeKinds());
        System.exit(failures == 0 ? 0 : 1);
    }

    private void runCase(
        final FuzzJournal journal, final Damage damage, final Expectation expect, final List<String> problems,
        final int index)
    {
        final Path strict = scratch.resolve("case-" + index);
        damage.image.writeTo(strict);
        try
        {
            checkVerify(strict, expect, problems);
            refusedAtFirstDamage = false;
            final boolean refused = open(strict, RecoveryMode.STRICT, journal, damage, expect, problems);
            if (refused)
            {
                strictRefusals++;
                final Path repair = scratch.resolve("case-" + index + "-repair");
                damage.image.writeTo(repair);
                try
                {
                    if (!open(repair, RecoveryMode.TRUNCATE_CORRUPTION, journal, damage, expect, problems))
                    {
                        repairs++;
                        final VerifyReport after = JournalContents.verify(repair);
                        // recovery repairs where it refused; damage before that (a swap's other segment, frames
                        // before its scan start) stays, for verify to report and readers to refuse
                        if (after.hasErrors() && refusedAtFirstDamage)
                        {
                            problems.add("verify after TRUNCATE_CORRUPTION still finds " + after.firstError());
                        }
                    }
                }
                finally
                {
                    StressSettings.deleteTree(repair);
                }
            }
        }
        finally
        {
            StressSettings.deleteTree(strict);
        }
    }

    private void checkVerify(final Path directory, final Expectation expect, final List<String> problems)
    {
        final VarveCli.Result result = VarveCli.verify(directory);
        if (result.exitCode() == 1)
        {
            verifyErrors++;
        }
        if (!expect.expectsError())
        {
            if (result.exitCode() != 0)
            {
                problems.add("verify exit " + result.exitCode() + ", expected 0: " + result.firstLine() + " " +
                    result.err());
            }
            return;
        }
        final String where = directory.resolve(expect.errorFile) + " " + expect.errorOffset + " ";
        if (result.exitCode() != 1 || !result.firstLine().startsWith(where))
        {
            problems.add("verify exit " + result.exitCode() + " '" + result.firstLine() + "', expected 1 '" + where +
                "...' " + result.err().strip());
        }
    }

    /**
     * Open the damaged journal in a mode and check what it shows.
     *
     * @return true when opening refused.
     */
    private boolean open(
        final Path directory,
        final RecoveryMode mode,
        final FuzzJournal journal,
        final Damage damage,
        final Expectation expect,
        final List<String> problems)
    {
        final Journal opened;
        try
        {
            opened = Journal.open(new JournalContext().directory(directory).recoveryMode(mode));
        }
        catch (final JournalCorruptionException ex)
        {
            checkRefusal(mode, journal, damage, expect, ex, problems);
            return true;
        }
        try (Journal open = opened)
        {
            if (expect.metadataUnreadable || (expect.slotsDamaged && mode == RecoveryMode.STRICT))
            {
                problems.add(mode + " opened a journal whose metadata is damaged");
            }
            if (mode == RecoveryMode.STRICT && !expect.expectsError() && open.recoveryReport().corruptionRepaired())
            {
                problems.add("STRICT repaired corruption: " + open.recoveryReport());
            }
            checkReader(open, mode, journal, expect, problems);
            final Appender appender = open.appender();
            final long sequence = appender.nextSequence();
            journal.pattern.fill(payload, 0, sequence);
            appender.append(payload, 0, journal.pattern.length(sequence), journal.pattern.type(sequence));
        }
        return false;
    }

    private void checkRefusal(
        final RecoveryMode mode,
        final FuzzJournal journal,
        final Damage damage,
        final Expectation expect,
        final JournalCorruptionException ex,
        final List<String> problems)
    {
        if (expect.metadataUnreadable || (expect.slotsDamaged && mode == RecoveryMode.STRICT))
        {
            refusedAtFirstDamage = true;
            if (!ex.file().getFileName().toString().equals(JournalDirectoryLayout.METADATA_FILE))
            {
                problems.add(mode + " refused naming " + ex.file() + ", expected the metadata file");
            }
            return;
        }
        if (!expect.expectsError())
        {
            problems.add(mode + " refused a journal with no durable damage: " + ex.getMessage());
            return;
        }
        if (mode == RecoveryMode.TRUNCATE_CORRUPTION && !(expect.segmentLevel && ex.getMessage().contains("first")))
        {
            problems.add("TRUNCATE_CORRUPTION refused: " + ex.getMessage());
            return;
        }
        final String named = ex.file().getFileName().toString();
        final boolean swapped = damage.kind == Damage.Kind.SWAP && named.equals(damage.otherFile);
        final boolean exact = named.equals(expect.errorFile) &&
            (expect.segmentLevel || ex.offset() == expect.errorOffset);
        // damage spanning several frames: recovery scans from an index entry and may first meet a later one
        final boolean later = !expect.segmentLevel && Expectation.isDamagedFrame(journal, damage, named, ex.offset()) &&
            (ex.offset() + JournalDirectoryLayout.parseBasePosition(named, JournalDirectoryLayout.SEGMENT_SUFFIX)) >
            expect.firstDamage;
        refusedAtFirstDamage = exact;
        if (!(exact || swapped || later))
        {
            problems.add(mode + " refused naming " + named + " " + ex.offset() + ", expected " + expect.errorFile +
                " " + expect.errorOffset + ": " + ex.getMessage());
        }
    }

    /**
     * A tailer from the start delivers exactly the records before the damage, each one intact, then stops or
     * refuses at the damage.
     */
    private void checkReader(
        final Journal open, final RecoveryMode mode, final FuzzJournal journal, final Expectation expect,
        final List<String> problems)
    {
        final LongArrayList positions = new LongArrayList();
        JournalCorruptionException refusal = null;
        try (Tailer tailer = open.tailer())
        {
            JournalContents.read(tailer, journal.pattern, positions);
        }
        catch (final JournalCorruptionException ex)
        {
            refusal = ex;
            readerRefusals++;
        }
        catch (final AssertionError ex)
        {
            problems.add(mode + ": a tailer delivered a damaged record after " + positions.size() + " good ones: " +
                ex.getMessage());
            return;
        }
        final boolean repaired = mode == RecoveryMode.TRUNCATE_CORRUPTION;
        final int from = repaired ? expect.repairedFrom : expect.readableFrom;
        final int expected = (repaired ? expect.repairedTo : expect.readableTo) - from;
        for (int i = 0; i < positions.size(); i++)
        {
            if (from + i >= journal.recordPositions.size() ||
                positions.getLong(i) != journal.recordPositions.getLong(from + i))
            {
                problems.add(mode + ": record " + i + " read at " + positions.getLong(i) +
                    ", not where it was written");
                return;
            }
        }
        // a tailer steps over a padding frame to the next segment without reading it: damage confined to a padding
        // frame hides no record, so reading on past it is fine
        final boolean pastPadding = expect.paddingOnly && refusal == null &&
            positions.size() == journal.recordPositions.size() - from;
        if (positions.size() != expected && !pastPadding)
        {
            problems.add(mode + ": a tailer read " + positions.size() + " records, expected " + expected +
                (refusal == null ? "" : " then refused: " + refusal.getMessage()));
            return;
        }
        if (refusal != null && !expect.segmentLevel &&
            (!refusal.file().getFileName().toString().equals(expect.errorFile) ||
            refusal.offset() != expect.firstDamage - (expect.firstDamage & -(long)FuzzJournal.SEGMENT_LENGTH)))
        {
            problems.add(mode + ": a tailer refused at " + refusal.file().getFileName() + " " + refusal.offset() +
                ", the damage is at " + expect.errorFile + " " + expect.errorOffset);
        }
    }

    private static String describe(final Throwable ex)
    {
        final StackTraceElement[] stack = ex.getStackTrace();
        final StringBuilder text = new StringBuilder(ex.toString());
        for (int i = 0; i < Math.min(6, stack.length); i++)
        {
            text.append(" at ").append(stack[i]);
        }
        return text.toString();
    }

    private String describeKinds()
    {
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<Damage.Kind, long[]> entry : kinds.entrySet())
        {
            text.append(text.length() == 0 ? "" : ",").append(entry.getKey()).append(':').append(entry.getValue()[0]);
        }
        return text.toString();
    }

    private void startWatchdog()
    {
        final Thread watchdog = new Thread(() ->
        {
            while (true)
            {
                try
                {
                    Thread.sleep(1000);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                if (System.nanoTime() - caseStarted > TimeUnit.SECONDS.toNanos(CASE_LIMIT_SECONDS))
                {
                    out.println("HANG " + current);
                    for (final ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                    {
                        out.print(info);
                    }
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
