package io.varve.bench;

import java.util.List;

/**
 * How long and how often the suite measures: one plan per mode. {@code QUICK} is the short suite (about twelve
 * minutes on a 2-core machine), {@code FULL} the complete one, {@code SMOKE} one short iteration of everything for
 * CI, which checks that each benchmark runs and measures nothing worth reading.
 *
 * @param name                  of the mode.
 * @param appendSizes           payload sizes of the append workload.
 * @param tailSizes             payload sizes of the tail-read workload.
 * @param rounds                repetitions of every measurement, interleaved across systems.
 * @param warmupIterations      JMH warm-up iterations per fork.
 * @param warmupMillis          length of each.
 * @param measurementIterations JMH measured iterations per fork.
 * @param measurementMillis     length of each.
 * @param tailBytes             data set of the tail-read workload.
 * @param memory                memory state before measured runs: {@code warm}, or {@code off} to skip warming.
 * @param coldRound             whether to run the cold-memory round.
 * @param latencyWarmupSeconds  of each latency run, not recorded.
 * @param latencySeconds        recorded in each latency run.
 * @param recoveryBytes         journal size of the recovery workload.
 * @param recoverySizes         record sizes of the recovery workload.
 * @param recoveryRounds        repetitions of the recovery workload.
 * @param pageFaultMebibytes    size of each region the page-fault probe touches.
 * @param replayRecords         64-byte records of the fresh-process replay and second-tailer workloads.
 * @param liveRecords           64-byte records the writer appends in the live cross-process tail workload.
 * @param allWriteModes         whether every Varve append and durable column also runs with
 *                              {@code WriteMode.POSITIONAL}; otherwise only the main ones do.
 */
public record SuitePlan(
    String name,
    List<String> appendSizes,
    List<String> tailSizes,
    int rounds,
    int warmupIterations,
    long warmupMillis,
    int measurementIterations,
    long measurementMillis,
    long tailBytes,
    String memory,
    boolean coldRound,
    double latencyWarmupSeconds,
    double latencySeconds,
    long recoveryBytes,
    List<Integer> recoverySizes,
    int recoveryRounds,
    long pageFaultMebibytes,
    long replayRecords,
    long liveRecords,
    boolean allWriteModes)
{
    /**
     * The short suite.
     *
     * @return the plan.
     */
    public static SuitePlan quick()
    {
        return new SuitePlan("quick", List.of("64", "1024"), List.of("64"), 2, 1, 500, 2, 750, 256L << 20, "warm",
            true, 1, 4, 1L << 30, List.of(64), 1, 512, 4_000_000, 10_000_000, false);
    }

    /**
     * The complete suite.
     *
     * @return the plan.
     */
    public static SuitePlan full()
    {
        final List<String> sizes = List.of("64", "256", "1024", "4096");
        return new SuitePlan("full", sizes, sizes, 3, 3, 2000, 5, 2000, 1L << 30, "warm", true, 5, 30, 1L << 30,
            List.of(64, 1024), 3, 512, 16_000_000, 50_000_000, true);
    }

    /**
     * One short iteration of everything, for CI.
     *
     * @return the plan.
     */
    public static SuitePlan smoke()
    {
        return new SuitePlan("smoke", List.of("64"), List.of("64"), 1, 0, 100, 1, 100, 8L << 20, "off", false,
            0.1, 0.2, 16L << 20, List.of(64), 1, 32, 100_000, 200_000, false);
    }
}
