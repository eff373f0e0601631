package io.varve.chronicle;

/**
 * What {@link ChronicleImport#run()} did.
 * <p>
 * Threading: immutable.
 *
 * @param alreadyImported   records the journal held from an earlier run of the same import, skipped.
 * @param imported          excerpts copied by this run.
 * @param bytes             excerpt bytes copied by this run.
 * @param cycles            roll cycles this run read excerpts from.
 * @param firstIndex        Chronicle index of the first excerpt this run copied, -1 when none.
 * @param lastIndex         Chronicle index of the last excerpt in the journal now, -1 when none.
 * @param queueLastIndex    the queue's last index when the run ended.
 * @param stoppedAtIncomplete true when the queue holds an excerpt after {@code lastIndex} that was not complete
 *                            yet (a writer was still writing it): the import stopped at the last complete one.
 * @param nanos             run time.
 */
public record ImportReport(
    long alreadyImported,
    long imported,
    long bytes,
    int cycles,
    long firstIndex,
    long lastIndex,
    long queueLastIndex,
    boolean stoppedAtIncomplete,
    long nanos)
{
}
