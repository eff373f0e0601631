package io.varve.cli;

import io.varve.journal.recovery.JournalStructure;
import io.varve.journal.recovery.VerifyReport;

import java.io.PrintStream;

/**
 * Prints what {@link JournalStructure} found, one line each, the same way in {@code varve dump}, {@code describe}
 * and {@code stat}: {@code DAMAGED: FILE: REASON} for an error, {@code WARNING:} and {@code NOTE:} for the others.
 * <p>
 * Threading: static methods, no state.
 */
final class StructureFindings
{
    private StructureFindings()
    {
    }

    /**
     * Print the findings.
     *
     * @param out       to print to.
     * @param structure what was found.
     * @return true when there is an error: the command exits 1.
     */
    static boolean print(final PrintStream out, final JournalStructure structure)
    {
        for (final VerifyReport.Finding finding : structure.findings())
        {
            final String label = finding.severity() == VerifyReport.Severity.ERROR ? "DAMAGED" :
                finding.severity().name();
            out.println(label + ": " + finding.file() + ": " +
                (finding.offset() >= 0 ? "offset=" + finding.offset() + ": " : "") + finding.reason());
        }
        return structure.hasErrors();
    }
}
