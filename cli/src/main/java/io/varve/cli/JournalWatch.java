package io.varve.cli;

import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.read.JournalReader;
import io.varve.journal.storage.MetadataFile;

import java.nio.file.Files;
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

    private final JournalReader reader;
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
        this.reader = reader;
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
        return problem(-1);
    }

    /**
     * Look at the directory, at most every half second, and at the segment file a tailer waits in: its mapping keeps
     * showing a deleted file's records, which are gone from the journal.
     *
     * @param position where the tailer reads next, or -1.
     * @return null while the journal is the one opened and that file is there, else what happened.
     */
    String problem(final long position)
    {
        final long now = System.nanoTime();
        if (now - nextCheckNanos < 0)
        {
            return null;
        }
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        final String gone = check();
        if (gone != null || position < 0)
        {
            return gone;
        }
        final long base = position & -(long)reader.metadata().segmentLength();
        final Path file = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
        if (Files.exists(file) ||
            reader.metadata().counterValue(JournalCounter.FIRST_POSITION) > base + SegmentDescriptor.HEADER_LENGTH)
        {
            return null; // there, or deleted by retention, which moves the first position before it deletes
        }
        return "segment file deleted under the tailer: file=" + file + "; its records are gone from the journal " +
            "(retention did not delete it): run 'varve verify " + directory + "'";
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
