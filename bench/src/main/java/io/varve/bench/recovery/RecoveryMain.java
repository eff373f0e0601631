package io.varve.bench.recovery;

import io.aeron.ExclusivePublication;
import io.aeron.archive.ArchiveTool;
import io.varve.bench.Arguments;
import io.varve.bench.BenchSystem;
import io.varve.bench.EmbeddedArchive;
import io.varve.bench.MemoryState;
import io.varve.bench.Payload;
import io.varve.bench.RunDirectory;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.recovery.RecoveryReport;
import io.varve.journal.recovery.VerifyReport;
import io.varve.journal.write.Appender;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * One step of a recovery measurement, in its own JVM with one system's flags ({@code --step=}):
 * <ul>
 *     <li>{@code write}: write {@code --bytes} of {@code --size}-byte records, print {@code WRITTEN}; then with
 *     {@code --end=clean} close and exit, with {@code --end=kill} print {@code READY} and wait to be killed.</li>
 *     <li>{@code open}: time opening for append, as a restarting writer does, and print
 *     {@code OPEN_NANOS=...}, after running the same open path once on a small scratch journal so that class
 *     loading and interpretation of a fresh JVM are not counted: Varve {@code Journal.open} plus one append; Chronicle Queue building the queue, its
 *     appender and one write; Aeron Archive launching the archiving media driver on the existing archive and
 *     connecting to it (the archive checks its catalog and recordings as it starts); after a SIGKILL that includes
 *     retrying every 50 ms while the archive refuses to start because its mark file still looks active.</li>
 *     <li>{@code verify}: time a full verification and print {@code VERIFY_NANOS=... BYTES=...}: Varve's
 *     {@code JournalVerifier} (every frame's CRC32C), Aeron's {@code ArchiveTool verify} over all segment files
 *     with checksums. Chronicle Queue has no per-message checksum and no verifier.</li>
 * </ul>
 * Threading: main thread only.
 */
public final class RecoveryMain
{
    private static final long MARK_FILE_WAIT_LIMIT_NANOS = 120_000_000_000L;
    private static final long MARK_FILE_RETRY_MILLIS = 50;
    private static final long WARM_UP_BYTES = 1L << 20;

    private RecoveryMain()
    {
    }

    /**
     * Run one step.
     *
     * @param args {@code --step --system --dir [--bytes --size --fsync --end]}.
     * @throws Exception when the step fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Arguments arguments = new Arguments(args);
        final BenchSystem system = BenchSystem.valueOf(arguments.get("system", null));
        final Path directory = Path.of(arguments.get("dir", null));
        switch (arguments.get("step", null))
        {
            case "write":
                write(system, directory, arguments.getLong("bytes", 1L << 30), (int)arguments.getLong("size", 64),
                    arguments.get("fsync", "none"), "kill".equals(arguments.get("end", "clean")));
                break;
            case "open":
                open(system, directory, (int)arguments.getLong("size", 64));
                break;
            case "verify":
                verify(system, directory);
                break;
            default:
                throw new IllegalArgumentException("unknown step: " + arguments.get("step", null));
        }
    }

    private static void write(
        final BenchSystem system,
        final Path directory,
        final long bytes,
        final int size,
        final String fsync,
        final boolean awaitKill)
    {
        switch (system)
        {
            case VARVE:
                writeVarve(directory, bytes, size, fsync, awaitKill);
                break;
            case CHRONICLE:
                writeChronicle(directory, bytes, size, awaitKill);
                break;
            case AERON:
                writeAeron(directory, bytes, size, awaitKill);
                break;
            default:
                throw new IllegalArgumentException("no writer for " + system);
        }
        System.out.println("CLOSED");
    }

    private static void writeVarve(
        final Path directory, final long bytes, final int size, final String fsync, final boolean awaitKill)
    {
        final UnsafeBuffer payload = Payload.direct(size);
        try (Journal journal = Journal.open(
            new JournalContext().directory(directory).fsyncPolicy(FsyncPolicy.parse(fsync))))
        {
            final Appender appender = journal.appender();
            long records = 0;
            while (appender.position() < bytes)
            {
                appender.append(payload, 0, size);
                records++;
            }
            written(appender.position(), records, awaitKill);
        }
    }

    private static void writeChronicle(
        final Path directory, final long bytes, final int size, final boolean awaitKill)
    {
        final Bytes<?> payload = Bytes.allocateDirect(Payload.bytes(size));
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
            ExcerptAppender appender = queue.createAppender())
        {
            final long records = bytes / (size + Integer.BYTES);
            for (long i = 0; i < records; i++)
            {
                appender.writeBytes(payload);
            }
            written(records * (size + Integer.BYTES), records, awaitKill);
        }
    }

    private static void writeAeron(final Path directory, final long bytes, final int size, final boolean awaitKill)
    {
        final UnsafeBuffer payload = Payload.direct(size);
        try (EmbeddedArchive archive = EmbeddedArchive.launch(directory, 0, true);
            ExclusivePublication publication = archive.recordedPublication())
        {
            long records = 0;
            while (publication.position() < bytes)
            {
                if (publication.offer(payload, 0, size) > 0)
                {
                    records++;
                }
                else
                {
                    Thread.yield();
                }
            }
            archive.awaitRecorded(publication);
            written(publication.position(), records, awaitKill);
            archive.archive().stopRecording(publication);
        }
    }

    private static void written(final long bytes, final long records, final boolean awaitKill)
    {
        System.out.println("WRITTEN bytes=" + bytes + " records=" + records);
        if (awaitKill)
        {
            System.out.println("READY");
            System.out.flush();
            while (true)
            {
                MemoryState.pause(1000);
            }
        }
    }

    private static void open(final BenchSystem system, final Path directory, final int size)
    {
        warmUp(system, directory.resolveSibling(directory.getFileName() + "-scratch"), size);
        final long start = System.nanoTime();
        switch (system)
        {
            case VARVE:
                final UnsafeBuffer payload = Payload.direct(size);
                try (Journal journal = Journal.open(new JournalContext().directory(directory)))
                {
                    journal.appender().append(payload, 0, size);
                    final long nanos = System.nanoTime() - start;
                    final RecoveryReport report = journal.recoveryReport();
                    System.out.println("OPEN_NANOS=" + nanos + " RECOVERY_NANOS=" + report.durationNanos() +
                        " SCANNED=" + report.scannedBytes() + " DROPPED_RECORDS=" + report.droppedRecords());
                }
                break;
            case CHRONICLE:
                final Bytes<?> bytes = Bytes.allocateDirect(Payload.bytes(size));
                try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).build();
                    ExcerptAppender appender = queue.createAppender())
                {
                    appender.writeBytes(bytes);
                    System.out.println("OPEN_NANOS=" + (System.nanoTime() - start));
                }
                break;
            case AERON:
                int attempts = 1;
                EmbeddedArchive launched = null;
                while (launched == null)
                {
                    try
                    {
                        launched = EmbeddedArchive.launch(directory, 0, true);
                    }
                    catch (final IllegalStateException ex)
                    {
                        // after a crash the archive refuses to start until its mark file's heartbeat is stale
                        if (!String.valueOf(ex.getMessage()).contains("active mark file") ||
                            System.nanoTime() - start > MARK_FILE_WAIT_LIMIT_NANOS)
                        {
                            throw ex;
                        }
                        attempts++;
                        MemoryState.pause(MARK_FILE_RETRY_MILLIS);
                    }
                }
                try (EmbeddedArchive archive = launched)
                {
                    final long stopPosition = archive.archive().getStopPosition(0);
                    System.out.println("OPEN_NANOS=" + (System.nanoTime() - start) + " STOP_POSITION=" + stopPosition +
                        " ATTEMPTS=" + attempts);
                }
                break;
            default:
                throw new IllegalArgumentException("no open for " + system);
        }
    }

    /**
     * Run the open path once on a small scratch journal first, so that the measured open pays for the journal's
     * work and not for loading and interpreting its classes: a fresh JVM's cold start, the same for every system.
     */
    private static void warmUp(final BenchSystem system, final Path scratch, final int size)
    {
        final long bytes = WARM_UP_BYTES;
        for (int i = 0; i < 2; i++)
        {
            switch (system)
            {
                case VARVE:
                    writeVarve(scratch, bytes * (i + 1), size, "none", false);
                    break;
                case CHRONICLE:
                    writeChronicle(scratch, bytes, size, false);
                    break;
                case AERON:
                    writeAeron(scratch, bytes, size, false);
                    break;
                default:
                    throw new IllegalArgumentException("no warm-up for " + system);
            }
        }
        RunDirectory.deleteTree(scratch);
    }

    private static void verify(final BenchSystem system, final Path directory)
    {
        final long start = System.nanoTime();
        switch (system)
        {
            case VARVE:
                final VerifyReport report = new JournalVerifier(directory, Set.of()).verify();
                System.out.println("VERIFY_NANOS=" + (System.nanoTime() - start) + " BYTES=" + report.bytes() +
                    " ERRORS=" + report.hasErrors());
                break;
            case AERON:
                final boolean valid = ArchiveTool.verify(new PrintStream(OutputStream.nullOutputStream(), false,
                    StandardCharsets.UTF_8), new File(directory.toString()),
                    EnumSet.of(
                    ArchiveTool.VerifyOption.VERIFY_ALL_SEGMENT_FILES, ArchiveTool.VerifyOption.APPLY_CHECKSUM),
                    "io.aeron.archive.checksum.Crc32c", (file) -> false);
                final long nanos = System.nanoTime() - start;
                System.out.println("VERIFY_NANOS=" + nanos + " ERRORS=" + !valid);
                break;
            default:
                throw new IllegalArgumentException("no verifier for " + system);
        }
    }
}
