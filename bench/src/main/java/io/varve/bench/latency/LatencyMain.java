package io.varve.bench.latency;

import io.varve.bench.Arguments;
import io.varve.bench.BenchSystem;
import io.varve.bench.ChildJvm;
import io.varve.bench.MemoryState;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One latency run, in its own JVM with one system's flags. Scenarios ({@code --scenario=}):
 * <ul>
 *     <li>{@code paced}: one thread appends {@code --rate} messages per second; each latency runs from the
 *     message's intended send time to the end of its append, so a stall is charged to every message it delayed
 *     (coordinated omission corrected). The service time, from the actual start of each append, is kept beside
 *     it as {@code NAME-uncorrected}.</li>
 *     <li>{@code e2e-thread} and {@code e2e-process}: the writer paces as above; a tailer busy-polling in another
 *     thread of this JVM, or in a child JVM, records from the intended send time to the moment it reads the
 *     message. {@code System.nanoTime()} is CLOCK_MONOTONIC, the same clock in every process on the host.</li>
 *     <li>{@code jitter}: back-to-back {@code System.nanoTime()} calls, the machine's noise floor.</li>
 *     <li>{@code tailer}: the child side of {@code e2e-process}.</li>
 * </ul>
 * Each run writes {@code --out}{@code .hgrm} and {@code .hdr} (see {@link HistogramFiles}).
 * <p>
 * Threading: the main thread writes; one more thread or process tails.
 */
public final class LatencyMain
{
    private LatencyMain()
    {
    }

    /**
     * Run one scenario.
     *
     * @param args {@code --scenario --system --rate --seconds --warmup --size --dir --out}.
     * @throws Exception when the run fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Arguments arguments = new Arguments(args);
        final String scenario = arguments.get("scenario", null);
        final Path out = Path.of(arguments.get("out", null));
        final double seconds = arguments.getDouble("seconds", 5);
        if ("jitter".equals(scenario))
        {
            HistogramFiles.write(jitter(seconds), out);
            return;
        }
        final BenchSystem system = BenchSystem.valueOf(arguments.get("system", null));
        final Path directory = Path.of(arguments.get("dir", null));
        if ("tailer".equals(scenario))
        {
            tailInChild(system, directory, out);
            return;
        }
        final Pacing pacing = new Pacing(
            arguments.getLong("rate", 1_000_000), arguments.getDouble("warmup", 2), seconds);
        final int size = (int)arguments.getLong("size", 64);
        MemoryState.prepare(directory.getParent(), pacing.totalMessages() * (size + 64L), true);
        switch (scenario)
        {
            case "paced":
                paced(system, directory, size, pacing, out);
                break;
            case "e2e-thread":
                endToEndThread(system, directory, size, pacing, out);
                break;
            case "e2e-process":
                endToEndProcess(system, directory, size, pacing, out);
                break;
            default:
                throw new IllegalArgumentException("unknown scenario: " + scenario);
        }
    }

    private static void paced(
        final BenchSystem system, final Path directory, final int size, final Pacing pacing, final Path out)
    {
        final Histogram corrected = HistogramFiles.newHistogram();
        final Histogram uncorrected = HistogramFiles.newHistogram();
        try (LatencyJournal journal = openJournal(system, directory, size))
        {
            final long interval = pacing.intervalNanos();
            final long warmupMessages = pacing.warmupMessages();
            final long total = pacing.totalMessages();
            final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            for (long i = 0; i < total; i++)
            {
                final long intended = start + i * interval;
                long now;
                while ((now = System.nanoTime()) < intended)
                {
                    Thread.onSpinWait();
                }
                final boolean measured = i >= warmupMessages;
                journal.write(intended, measured ? LatencyJournal.MEASURED : LatencyJournal.WARMUP);
                if (measured)
                {
                    final long end = System.nanoTime();
                    HistogramFiles.record(corrected, end - intended);
                    HistogramFiles.record(uncorrected, end - now);
                }
            }
            journal.write(System.nanoTime(), LatencyJournal.END);
        }
        HistogramFiles.write(corrected, out);
        HistogramFiles.write(uncorrected, out.resolveSibling(out.getFileName() + "-uncorrected"));
    }

    private static void endToEndThread(
        final BenchSystem system, final Path directory, final int size, final Pacing pacing, final Path out)
        throws InterruptedException
    {
        try (LatencyJournal journal = openJournal(system, directory, size))
        {
            final TailLoop tail = new TailLoop(openTailer(system, directory));
            final Thread thread = new Thread(tail::run, "latency-tailer");
            thread.start();
            write(journal, pacing);
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive())
            {
                throw new IllegalStateException("tailer did not see the end message within 60s");
            }
            HistogramFiles.write(tail.histogram(), out);
        }
    }

    private static void endToEndProcess(
        final BenchSystem system, final Path directory, final int size, final Pacing pacing, final Path out)
    {
        try (LatencyJournal journal = openJournal(system, directory, size))
        {
            final List<String> args = new ArrayList<>(List.of(
                "--scenario=tailer", "--system=" + system, "--dir=" + directory, "--out=" + out));
            final Path log = out.resolveSibling(out.getFileName() + "-tailer.log");
            try (ChildJvm tailer = ChildJvm.start(ChildJvm.command(system, List.of(), LatencyMain.class, args), log))
            {
                tailer.awaitLine("READY", 60);
                write(journal, pacing);
                tailer.awaitSuccess(60);
            }
        }
    }

    private static void tailInChild(final BenchSystem system, final Path directory, final Path out)
    {
        final TailLoop tail = new TailLoop(openTailer(system, directory));
        System.out.println("READY");
        System.out.flush();
        tail.run();
        HistogramFiles.write(tail.histogram(), out);
    }

    private static void write(final LatencyJournal journal, final Pacing pacing)
    {
        final long interval = pacing.intervalNanos();
        final long warmupMessages = pacing.warmupMessages();
        final long total = pacing.totalMessages();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        for (long i = 0; i < total; i++)
        {
            final long intended = start + i * interval;
            while (System.nanoTime() < intended)
            {
                Thread.onSpinWait();
            }
            journal.write(intended, i >= warmupMessages ? LatencyJournal.MEASURED : LatencyJournal.WARMUP);
        }
        journal.write(System.nanoTime(), LatencyJournal.END);
    }

    private static Histogram jitter(final double seconds)
    {
        final Histogram histogram = HistogramFiles.newHistogram();
        final long end = System.nanoTime() + (long)(seconds * 1e9);
        long previous = System.nanoTime();
        while (previous < end)
        {
            final long now = System.nanoTime();
            HistogramFiles.record(histogram, now - previous);
            previous = now;
        }
        return histogram;
    }

    private static LatencyJournal openJournal(final BenchSystem system, final Path directory, final int size)
    {
        return system == BenchSystem.CHRONICLE ?
            ChronicleLatencyTarget.journal(directory, size) : VarveLatencyTarget.journal(directory, size);
    }

    private static LatencyTailer openTailer(final BenchSystem system, final Path directory)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.isDirectory(directory) && System.nanoTime() - deadline < 0)
        {
            MemoryState.pause(1);
        }
        return system == BenchSystem.CHRONICLE ?
            ChronicleLatencyTarget.tailer(directory) : VarveLatencyTarget.tailer(directory);
    }

    /**
     * The schedule of a paced run.
     *
     * @param rate          messages per second.
     * @param warmupSeconds of messages not recorded.
     * @param seconds       of recorded messages.
     */
    record Pacing(long rate, double warmupSeconds, double seconds)
    {
        long intervalNanos()
        {
            return TimeUnit.SECONDS.toNanos(1) / rate;
        }

        long warmupMessages()
        {
            return (long)(rate * warmupSeconds);
        }

        long totalMessages()
        {
            return warmupMessages() + (long)(rate * seconds);
        }
    }

    /**
     * A busy-polling tail that records the latency of every measured message until the end message.
     */
    static final class TailLoop implements LatencyListener
    {
        private final LatencyTailer tailer;
        private final Histogram histogram = HistogramFiles.newHistogram();
        private boolean ended;

        TailLoop(final LatencyTailer tailer)
        {
            this.tailer = tailer;
        }

        void run()
        {
            try (LatencyTailer closing = tailer)
            {
                while (!ended)
                {
                    if (closing.poll(this) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        }

        Histogram histogram()
        {
            return histogram;
        }

        public void onMessage(final long intendedNanos, final long phase)
        {
            if (phase == LatencyJournal.MEASURED)
            {
                HistogramFiles.record(histogram, System.nanoTime() - intendedNanos);
            }
            else if (phase == LatencyJournal.END)
            {
                ended = true;
            }
        }
    }
}
