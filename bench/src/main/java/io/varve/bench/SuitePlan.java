package io.varve.bench;

import java.util.List;

/**
 * How long and how often the suite measures: one plan per mode. {@code QUICK} is the short suite (under ten
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
    int recoveryRounds)
{
    /**
     * The short suite.
     *
     * @return the plan.
     */
    public static SuitePlan quick()
    {
        return new SuitePlan("quick", List.of("64", "1024"), List.of("64"), 2, 1, 500, 2, 750, 256L << 20, "warm",
            true, 1, 4, 1L << 30, List.of(64), 1);
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
            List.of(64, 1024), 3);
    }

    /**
     * One short iteration of everything, for CI.
     *
     * @return the plan.
     */
    public static SuitePlan smoke()
    {
        return new SuitePlan("smoke", List.of("64"), List.of("64"), 1, 0, 100, 1, 100, 8L << 20, "off", false,
            0.1, 0.2, 16L << 20, List.of(64), 1);
    }
}
