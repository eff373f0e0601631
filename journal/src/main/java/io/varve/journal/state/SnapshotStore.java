package io.varve.journal.state;

import io.varve.journal.format.SnapshotDescriptor;
import io.varve.journal.storage.JournalDirectory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Snapshots of application state, written atomically and CRC-checked (layout in {@link SnapshotDescriptor}). A
 * snapshot is written to a temporary file, forced, renamed into place and the directory forced, so a crash at any
 * moment leaves the previous snapshots intact and the new one either complete or absent. Loading takes the newest
 * snapshot whose checksum matches and reports the damaged ones it skipped. The newest {@link #keep()} are kept.
 * <p>
 * Threading: NOT threadsafe; one writer of snapshots at a time. Loading may run in another process.
 */
public final class SnapshotStore
{
    private static final String SUFFIX = ".snap";
    private static final String TEMPORARY_SUFFIX = ".snap.tmp";

    private final Path directory;
    private final long journalId;
    private final int keep;
    private final List<String> skipped = new ArrayList<>();

    /**
     * A store in a directory, created if missing.
     *
     * @param directory of the snapshots, e.g. the journal's {@code snapshots} directory.
     * @param journalId id of the journal the states come from; snapshots of another journal are skipped.
     * @param keep      how many snapshots to keep, at least 1.
     */
    public SnapshotStore(final Path directory, final long journalId, final int keep)
    {
        if (keep < 1)
        {
            throw new IllegalArgumentException("keep must be >= 1: keep=" + keep);
        }
        this.directory = directory;
        this.journalId = journalId;
        this.keep = keep;
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create snapshot directory: directory=" + directory, ex);
        }
    }

    /**
     * Write a snapshot atomically and drop the oldest beyond {@link #keep()}.
     *
     * @param nextSequence the state covers every record below this sequence.
     * @param state        buffer holding the state.
     * @param offset       of the state.
     * @param length       of the state.
     * @return the snapshot's file.
     */
    public Path write(final long nextSequence, final DirectBuffer state, final int offset, final int length)
    {
        final UnsafeBuffer file = new UnsafeBuffer(ByteBuffer.allocate(SnapshotDescriptor.HEADER_LENGTH + length));
        file.putBytes(SnapshotDescriptor.HEADER_LENGTH, state, offset, length);
        SnapshotDescriptor.writeHeader(file, nextSequence, journalId, System.currentTimeMillis() * 1_000_000L, length);
        final Path target = directory.resolve(SnapshotDescriptor.fileName(nextSequence));
        final Path temporary = directory.resolve(SnapshotDescriptor.fileName(nextSequence) + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r-----"));
            final ByteBuffer bytes = file.byteBuffer();
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            JournalDirectory.deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write snapshot: file=" + temporary, ex);
        }
        final JournalDirectory snapshots = new JournalDirectory(directory, null);
        try
        {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rename snapshot into place: file=" + target, ex);
        }
        snapshots.fsync();
        final List<Path> all = list();
        for (int i = keep; i < all.size(); i++)
        {
            JournalDirectory.deleteQuietly(all.get(i));
        }
        return target;
    }

    /**
     * The newest valid snapshot; damaged ones are skipped and listed by {@link #skipped()}.
     *
     * @return the snapshot, or null when there is none.
     */
    public Snapshot loadNewest()
    {
        skipped.clear();
        for (final Path path : list())
        {
            try
            {
                final byte[] bytes = Files.readAllBytes(path);
                final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
                String problem = SnapshotDescriptor.validate(buffer, bytes.length);
                if (problem == null &&
                    buffer.getLong(SnapshotDescriptor.JOURNAL_ID_OFFSET, LITTLE_ENDIAN) != journalId)
                {
                    problem = "snapshot of another journal";
                }
                if (problem != null)
                {
                    skipped.add(path + ": " + problem);
                    continue;
                }
                final int stateLength = buffer.getInt(SnapshotDescriptor.STATE_LENGTH_OFFSET, LITTLE_ENDIAN);
                return new Snapshot(buffer.getLong(SnapshotDescriptor.NEXT_SEQUENCE_OFFSET, LITTLE_ENDIAN),
                    new UnsafeBuffer(bytes, SnapshotDescriptor.HEADER_LENGTH, stateLength), stateLength,
                    buffer.getLong(SnapshotDescriptor.CREATION_TIME_OFFSET, LITTLE_ENDIAN), path);
            }
            catch (final IOException ex)
            {
                skipped.add(path + ": cannot read: " + ex);
            }
        }
        return null;
    }

    /**
     * Snapshots the last {@link #loadNewest()} skipped, with the reason for each.
     *
     * @return file and reason per skipped snapshot.
     */
    public List<String> skipped()
    {
        return List.copyOf(skipped);
    }

    /**
     * How many snapshots are kept.
     *
     * @return the count.
     */
    public int keep()
    {
        return keep;
    }

    /**
     * Snapshot files, newest first. Temporary files left by a crash are deleted.
     *
     * @return the files.
     */
    public List<Path> list()
    {
        try (Stream<Path> files = Files.list(directory))
        {
            final List<Path> snapshots = new ArrayList<>();
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(TEMPORARY_SUFFIX))
                {
                    JournalDirectory.deleteQuietly(file);
                }
                else if (name.startsWith("snapshot-") && name.endsWith(SUFFIX))
                {
                    snapshots.add(file);
                }
            }
            snapshots.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
            return snapshots;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list snapshots: directory=" + directory, ex);
        }
    }
}
