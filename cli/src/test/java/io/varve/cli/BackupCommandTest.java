package io.varve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldBackUpRestoreAndRefuseAnExistingDestination()
    {
        assertEquals(0, CliRun.run("append", dir.resolve("j").toString(), "--count", "3000", "--size", "64",
            "--segment-size", "64k").exitCode());
        final CliRun backup = CliRun.run("backup", dir.resolve("j").toString(), dir.resolve("b").toString());
        assertEquals(0, backup.exitCode(), backup.toString());
        assertTrue(backup.out().contains("verify: OK, 3000 records"), backup.out());
        final CliRun restore = CliRun.run("restore", dir.resolve("b").toString(), dir.resolve("r").toString());
        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("verify: OK, 3000 records"), restore.out());
        assertEquals(0, CliRun.run("verify", dir.resolve("r").toString()).exitCode());
        final CliRun again = CliRun.run("backup", dir.resolve("j").toString(), dir.resolve("b").toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("destination exists"), again.err());
        final CliRun notJournal = CliRun.run("backup", dir.resolve("nothing").toString(), dir.resolve("x").toString());
        assertEquals(2, notJournal.exitCode(), notJournal.toString());
        assertTrue(notJournal.err().contains("not a journal"), notJournal.err());
    }
}
