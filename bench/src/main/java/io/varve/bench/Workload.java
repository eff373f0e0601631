package io.varve.bench;

import java.util.List;
import java.util.Map;

/**
 * One table of the summary: a JMH workload measured for each row (a parameter value, such as the payload size)
 * and each column (a system and variant), with the Varve/peer ratios it reports.
 *
 * @param id       short name, used in file names.
 * @param title    heading in the summary.
 * @param unit     of the scores after {@link Column#multiplier()}.
 * @param rowParam JMH parameter the rows set.
 * @param rows     values of that parameter.
 * @param columns  what is measured for every row.
 * @param ratios   numerator and denominator columns, by label.
 * @param memory   memory state before measured iterations: {@code warm}, {@code cold}, or null for the plan's.
 * @param rounds   repetitions, or 0 for the plan's.
 */
public record Workload(
    String id,
    String title,
    String unit,
    String rowParam,
    List<String> rows,
    List<Column> columns,
    List<Ratio> ratios,
    String memory,
    int rounds)
{
    /**
     * One system and variant of a workload.
     *
     * @param label      in the summary.
     * @param system     measured, whose fork flags apply.
     * @param benchmark  fully qualified JMH benchmark, {@code class.method}.
     * @param params     JMH parameters besides the row's.
     * @param multiplier records per JMH operation (a batch of records per sync, say).
     */
    public record Column(
        String label,
        BenchSystem system,
        String benchmark,
        Map<String, String> params,
        int multiplier)
    {
    }

    /**
     * A Varve/peer ratio column.
     *
     * @param numerator   label of the Varve column.
     * @param denominator label of the peer column.
     */
    public record Ratio(String numerator, String denominator)
    {
    }
}
