package io.varve.bench;

import java.util.Map;

/**
 * What the summary says about a run besides its figures.
 *
 * @param plan            that ran.
 * @param command         as typed.
 * @param started         ISO-8601 time the run started.
 * @param durationSeconds the run took.
 * @param machine         facts from {@link MachineProbe#describe(java.nio.file.Path)}.
 * @param stealPercent    of CPU time over the run.
 * @param roundTripStart  cross-core round trip at the start: median and best, ns.
 * @param roundTripEnd    the same at the end.
 * @param loadStart       load average at the start.
 * @param loadEnd         load average at the end.
 */
public record RunFacts(
    SuitePlan plan,
    String command,
    String started,
    long durationSeconds,
    Map<String, String> machine,
    double stealPercent,
    double[] roundTripStart,
    double[] roundTripEnd,
    String loadStart,
    String loadEnd)
{
}
