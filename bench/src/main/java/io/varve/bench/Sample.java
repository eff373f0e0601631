package io.varve.bench;

/**
 * One measured fork of a JMH workload: one round of one column for one row.
 *
 * @param workload    id of the workload.
 * @param row         value of the row parameter.
 * @param column      label of the column.
 * @param system      measured.
 * @param round       1-based repetition.
 * @param score       records per second (the JMH score times the column's multiplier).
 * @param bytesPerRecord bytes allocated per record (JMH's GC profiler per operation, over the column's
 *                    multiplier); NaN when not reported.
 */
public record Sample(
    String workload,
    String row,
    String column,
    BenchSystem system,
    int round,
    double score,
    double bytesPerRecord)
{
}
