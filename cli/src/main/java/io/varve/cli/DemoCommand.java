package io.varve.cli;

import io.varve.cli.demo.Portfolio;
import io.varve.cli.demo.TradingProducer;
import io.varve.journal.FsyncPolicy;
import io.varve.journal.JournalConfiguration;
import io.varve.journal.JournalContext;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.NamedTailerInfo;
import io.varve.journal.read.Tailer;
import io.varve.journal.state.SnapshotStore;
import io.varve.journal.state.StateReplay;
import io.varve.ringbuffer.JournalRing;
import io.varve.ringbuffer.RingContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

/**
 * {@code varve demo}: the seed tutorial's trading example, end to end. Producer threads publish binary order and
 * fill events through the journal ring into the journal; a tailer in a second JVM follows the journal live and
 * rebuilds portfolio positions. Once a second the demo prints the producers' publish rate, the journal's durable
 * rate and the tailer's lag; at the end it replays the whole journal from the start and checks that the replayed
 * positions equal the live ones (and the producers' own), then verifies every frame.
 * <p>
 * Threading: one invocation per instance.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the trading demo: producers -> ring -> journal -> live tailer in a second JVM, then replay.")
final class DemoCommand implements Callable<Integer>
{
    /** Name of the second JVM's tailer, so its lag can be read from the metadata file. */
    static final String TAILER_NAME = "portfolio";

    @ParentCommand
    private VarveCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", description = "Journal directory (default: a new temporary one).")
    private Path directory;

    @Option(names = "--producers", paramLabel = "N", defaultValue = "2", description = "Producer threads (default 2).")
    private int producers;

    @Option(names = "--rate", paramLabel = "EVENTS", defaultValue = "1000000",
        description = "Events per second, all producers together; 0 for as fast as they go (default 1000000).")
    private long rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
        description = "How long the producers publish (default 10).")
    private int duration;

    @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "batch",
        description = "Journal fsync policy: none | batch | periodic:MILLIS | every-record " +
            "(default batch: group commit).")
    private String fsync;

    public Integer call() throws Exception
    {
        if (producers < 1 || duration < 1 || rate < 0)
        {
            parent.err.println("varve demo: --producers and --duration must be >= 1, --rate >= 0");
            return VarveCommand.USAGE_OR_IO;
        }
        final FsyncPolicy policy = FsyncPolicy.parse(fsync);
        final Path dir = directory != null ? directory : Files.createTempDirectory("varve-demo-");
        parent.out.printf("varve demo: %d producers -> ring -> journal (fsync %s) -> tailer in a second JVM%n",
            producers, policy);
        parent.out.println("journal: " + dir + (directory == null ? " (deleted at the end; --dir DIR keeps it)" : ""));
        try
        {
            return run(dir, policy);
        }
        finally
        {
            if (directory == null)
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
    }

    private int run(final Path dir, final FsyncPolicy policy) throws Exception
    {
        final Process follower = startFollower(dir);
        final BufferedReader followerOut = new BufferedReader(
            new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8));
        try
        {
            if (!"READY".equals(followerOut.readLine()))
            {
                parent.err.println("varve demo: the tailer JVM did not start");
                return VarveCommand.PROBLEM;
            }
            final Portfolio expected = new Portfolio();
            final long published = produce(dir, policy, expected);
            final String live = followerOut.readLine();
            if (!follower.waitFor(60, TimeUnit.SECONDS) || live == null)
            {
                parent.err.println("varve demo: the tailer JVM did not finish: " + live);
                return VarveCommand.PROBLEM;
            }
            parent.out.println("live   : " + live + " (built by the tailer in pid " + follower.pid() + ")");
            return replayAndCompare(dir, published, expected, live);
        }
        finally
        {
            follower.destroyForcibly();
        }
    }

    private long produce(final Path dir, final FsyncPolicy policy, final Portfolio expected) throws Exception
    {
        final List<TradingProducer> gateways = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final long published;
        try (JournalRing ring = JournalRing.start(new RingContext()
            .journalContext(new JournalContext().directory(dir).segmentLength(64 * 1024 * 1024).fsyncPolicy(policy))
            .multiProducer(producers > 1).ringSize(64 * 1024).slotCapacity(64));
            JournalReader reader = JournalReader.open(dir))
        {
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            for (int p = 0; p < producers; p++)
            {
                final TradingProducer gateway = new TradingProducer(ring, p, rate / producers, end);
                gateways.add(gateway);
                final Thread thread = new Thread(gateway, "varve-demo-producer-" + p);
                threads.add(thread);
                thread.start();
            }
            report(ring, reader, gateways, threads);
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final long endTicket = ring.publish(new UnsafeBuffer(new byte[8]), 0, 8, Portfolio.END_TYPE);
            ring.awaitDurable(endTicket, 30, TimeUnit.SECONDS);
            published = endTicket + 1;
        }
        for (final TradingProducer gateway : gateways)
        {
            expected.add(gateway.expected());
        }
        return published;
    }

    private void report(
        final JournalRing ring,
        final JournalReader reader,
        final List<TradingProducer> gateways,
        final List<Thread> threads) throws InterruptedException
    {
        long lastPublished = 0;
        long lastDurable = 0;
        long lastNanos = System.nanoTime();
        int second = 0;
        while (threads.stream().anyMatch(Thread::isAlive))
        {
            Thread.sleep(1000);
            final long now = System.nanoTime();
            final double elapsed = (now - lastNanos) / 1e9;
            final long publishedNow = gateways.stream().mapToLong(TradingProducer::published).sum();
            final long durableNow = ring.durableTicket() + 1;
            final long nextSequence = reader.counters().getCounterValue(JournalCounter.NEXT_SEQUENCE.id());
            final long tailerSequence = reader.namedTailers().stream()
                .filter((t) -> TAILER_NAME.equals(t.name())).mapToLong(NamedTailerInfo::sequence).findFirst()
                .orElse(0);
            parent.out.printf("t=%2ds  published %,11.0f events/s   durable %,11.0f events/s   tailer lag %,9d " +
                "events%n", ++second, (publishedNow - lastPublished) / elapsed, (durableNow - lastDurable) / elapsed,
                Math.max(0, nextSequence - tailerSequence));
            parent.out.flush();
            lastPublished = publishedNow;
            lastDurable = durableNow;
            lastNanos = now;
        }
    }

    private int replayAndCompare(final Path dir, final long published, final Portfolio expected, final String live)
    {
        final Portfolio replayed = new Portfolio();
        final long start = System.nanoTime();
        try (JournalReader reader = JournalReader.open(dir); Tailer tailer = reader.tailer())
        {
            while (!replayed.ended() && tailer.poll(replayed, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        parent.out.printf("replay : %s (%,d events from the start in %.3f s, %,.0f events/s)%n",
            replayed, published, seconds, published / seconds);
        final Portfolio restored = new Portfolio();
        final StateReplay.Result recovered;
        try (JournalReader reader = JournalReader.open(dir))
        {
            recovered = StateReplay.recover(reader, new SnapshotStore(
                dir.resolve(JournalDirectoryLayout.SNAPSHOTS_DIRECTORY), reader.metadata().journalId(), 3),
                restored::load, restored);
        }
        parent.out.printf("restart: %s (newest snapshot at sequence %,d, then %,d events replayed)%n",
            restored, recovered.snapshotSequence(), recovered.recordsReplayed());
        parent.out.println("expect : " + expected + " (kept by the producers)");
        final boolean same = live.startsWith("FOLLOWER " + replayed + " ") &&
            replayed.digest() == expected.digest() && restored.digest() == expected.digest() &&
            replayed.fills() == expected.fills() && replayed.orders() == expected.orders() &&
            restored.orders() == expected.orders();
        parent.out.println("replayed positions (from the start, and from a snapshot) equal the live ones and the " +
            "producers': " + (same ? "YES" : "NO"));
        if (!same)
        {
            return VarveCommand.PROBLEM;
        }
        return VarveCommand.run(parent.out, parent.err, "verify", dir.toString());
    }

    private Process startFollower(final Path dir) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JournalConfiguration.REQUIRED_JVM_FLAG.split(" ")));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VarveCommand.class.getName());
        command.add("demo-follower");
        command.add(dir.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
