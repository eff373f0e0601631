package io.varve.cli;

import io.varve.journal.read.JournalReader;
import io.varve.journal.storage.MetadataFile;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Notices that the journal a long-running command reads ({@code tail --follow}, {@code stat --watch}) was deleted or
 * replaced by another journal under it: its open mappings keep showing the old files, which no writer appends to
 * any more, so without a look at the directory the command would wait for ever.
 * <p>
 * Threading: one thread.
 */
final class JournalWatch
{
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Path directory;
    private final long journalId;
    private long nextCheckNanos;

    /**
     * Watch the journal a reader has open.
     *
     * @param reader of the journal.
     */
    JournalWatch(final JournalReader reader)
    {
        this.directory = reader.directory();
        this.journalId = reader.metadata().journalId();
        this.nextCheckNanos = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /**
     * Look at the directory, at most every half second.
     *
     * @return null while the journal is the one opened, else what happened to it.
     */
    String problem()
    {
        final long now = System.nanoTime();
        if (now - nextCheckNanos < 0)
        {
            return null;
        }
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        return check();
    }

    /**
     * Look at the directory now.
     *
     * @return null while the journal is the one opened, else what happened to it.
     */
    String check()
    {
        if (!MetadataFile.exists(directory))
        {
            return "journal deleted while reading it: directory=" + directory.toAbsolutePath() +
                " no longer holds a journal; open it again if it is recreated";
        }
        final long foundId;
        try (MetadataFile metadata = MetadataFile.open(directory, true))
        {
            foundId = metadata.journalId();
        }
        catch (final RuntimeException ex)
        {
            return "journal replaced while reading it: directory=" + directory.toAbsolutePath() +
                " now holds a metadata file that cannot be read (" + ex.getMessage() + ")";
        }
        if (foundId != journalId)
        {
            return "journal replaced while reading it: directory=" + directory.toAbsolutePath() + " journalId=" +
                Long.toHexString(journalId) + " now holds journalId=" + Long.toHexString(foundId) +
                "; run the command again to read the new journal";
        }
        return null;
    }
}
