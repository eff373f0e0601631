package io.varve.journal.storage;

import io.varve.journal.JournalConfigurationException;
import io.varve.journal.StorageSpaceException;
import io.varve.journal.format.JournalDirectoryLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The journal's directory: creating pre-allocated files with the journal's permissions, deleting and renaming
 * them, listing what is there, and making it all durable with a directory fsync.
 * <p>
 * Files are allocated by writing zeros through a {@link FileChannel}, never by a sparse
 * {@code setLength}: writes through a mapping of a sparse file on a full disk raise SIGBUS, while writes into
 * blocks that were really allocated cannot fail.
 * <p>
 * Threading: threadsafe, except that one zero buffer is shared, so {@link #allocate} calls are serialised.
 */
public final class JournalDirectory
{
    private static final int ZERO_CHUNK = 1024 * 1024;

    private final Path path;
    private final Set<PosixFilePermission> permissions;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);

    /**
     * A journal directory.
     *
     * @param path        of the directory, which exists.
     * @param permissions given to files this creates.
     */
    public JournalDirectory(final Path path, final Set<PosixFilePermission> permissions)
    {
        this.path = path;
        this.permissions = permissions;
    }

    /**
     * Path of the directory.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * A file in the directory.
     *
     * @param name of the file.
     * @return its path.
     */
    public Path resolve(final String name)
    {
        return path.resolve(name);
    }

    /**
     * Create a file of the given length with real blocks, full of zeros, with the journal's permissions.
     * A failure deletes what was created and leaves no file behind.
     *
     * @param name   of the new file.
     * @param length bytes.
     * @throws StorageSpaceException when the disk or a file size limit refuses the space.
     */
    public synchronized void allocate(final String name, final long length)
    {
        final Path file = path.resolve(name);
        long written = 0;
        try (FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ))
        {
            Files.setPosixFilePermissions(file, permissions);
            while (written < length)
            {
                final int chunk = (int)Math.min(ZERO_CHUNK, length - written);
                zeros.clear().limit(chunk);
                while (zeros.hasRemaining())
                {
                    written += channel.write(zeros, written);
                }
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            // not ours to delete
            throw new UncheckedIOException("file already exists: file=" + file, ex);
        }
        catch (final IOException ex)
        {
            deleteQuietly(file);
            throw new StorageSpaceException(file, length, written, ex);
        }
    }

    /**
     * Create a sparse file of the given length, with the journal's permissions: its length set by writing its last
     * byte, no blocks allocated for the rest. For segment files written with positional writes, where a write into a
     * hole on a full disk fails with an error the writer reports, instead of a SIGBUS as a store into a mapped hole
     * would raise. A failure deletes what was created.
     *
     * @param name   of the new file.
     * @param length bytes, 1 or more.
     * @throws StorageSpaceException when the disk or a file size limit refuses the length.
     */
    public synchronized void allocateSparse(final String name, final long length)
    {
        final Path file = path.resolve(name);
        try (FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ))
        {
            Files.setPosixFilePermissions(file, permissions);
            final ByteBuffer lastByte = ByteBuffer.allocate(1);
            while (lastByte.hasRemaining())
            {
                channel.write(lastByte, length - 1);
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            // not ours to delete
            throw new UncheckedIOException("file already exists: file=" + file, ex);
        }
        catch (final IOException ex)
        {
            deleteQuietly(file);
            throw new StorageSpaceException(file, length, 0, ex);
        }
    }

    /**
     * Lengthen an existing file to a length with zeros written through the file system (real blocks, as
     * {@link #allocate} does), keeping its bytes; for a segment file that was cut short and is repaired.
     *
     * @param name   of the file.
     * @param length bytes it must have.
     * @throws StorageSpaceException when the disk or a file size limit refuses the space.
     */
    public synchronized void extend(final String name, final long length)
    {
        final Path file = path.resolve(name);
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ))
        {
            long position = channel.size();
            while (position < length)
            {
                final int chunk = (int)Math.min(ZERO_CHUNK, length - position);
                zeros.clear().limit(chunk);
                while (zeros.hasRemaining())
                {
                    final int count = channel.write(zeros, position);
                    position += count;
                    written += count;
                }
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new StorageSpaceException(file, length, written, ex);
        }
    }

    /**
     * Append a line of text to a file, creating it with the journal's permissions, and force it.
     *
     * @param name of the file.
     * @param line without its line feed.
     */
    public synchronized void appendLine(final String name, final String line)
    {
        final Path file = path.resolve(name);
        try
        {
            final boolean existed = Files.exists(file);
            try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND))
            {
                if (!existed)
                {
                    Files.setPosixFilePermissions(file, permissions);
                }
                final ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot append to file: file=" + file, ex);
        }
    }

    /**
     * Rename a file within the directory, replacing the target atomically.
     *
     * @param from name of the file.
     * @param to   new name.
     */
    public void rename(final String from, final String to)
    {
        try
        {
            Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("rename failed: directory=" + path + " from=" + from + " to=" + to, ex);
        }
    }

    /**
     * Delete a file if it exists.
     *
     * @param name of the file.
     * @return true when a file was deleted.
     */
    public boolean delete(final String name)
    {
        try
        {
            return Files.deleteIfExists(path.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("delete failed: file=" + path.resolve(name) + ": " +
                (AccessDenied.is(ex) ? "permission denied" : ex instanceof DirectoryNotEmptyException ?
                "a directory, not a journal file: move it out of the journal directory" : ex.toString()), ex);
        }
    }

    /**
     * Make created, renamed and deleted names durable: a new file's name survives a power loss only after its
     * directory is forced.
     */
    public void fsync()
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("directory fsync failed: directory=" + path, ex);
        }
    }

    /**
     * What the directory holds.
     *
     * @param allowedNames names besides segments, indexes, metadata and lock that are not foreign.
     * @return the listing.
     */
    public Listing list(final Set<String> allowedNames)
    {
        final List<Long> segments = new ArrayList<>();
        final List<Long> indexes = new ArrayList<>();
        final List<String> foreign = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path))
        {
            for (final Path entry : stream)
            {
                final String name = entry.getFileName().toString();
                final long segmentBase = JournalDirectoryLayout.parseBasePosition(name,
                    JournalDirectoryLayout.SEGMENT_SUFFIX);
                final long indexBase = JournalDirectoryLayout.parseBasePosition(name,
                    JournalDirectoryLayout.INDEX_SUFFIX);
                if ((segmentBase >= 0 || indexBase >= 0) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    // a directory named like a journal file is none: opening would try to delete or map it
                    foreign.add(name);
                }
                else if (segmentBase >= 0)
                {
                    segments.add(segmentBase);
                }
                else if (indexBase >= 0)
                {
                    indexes.add(indexBase);
                }
                else if (!name.equals(JournalDirectoryLayout.METADATA_FILE) &&
                    !name.equals(JournalDirectoryLayout.LOCK_FILE) &&
                    !name.equals(JournalDirectoryLayout.SNAPSHOTS_DIRECTORY) &&
                    !name.equals(JournalDirectoryLayout.REPAIR_LOG_FILE) &&
                    !name.endsWith(JournalDirectoryLayout.COMPACTION_TEMPORARY_SUFFIX) && !allowedNames.contains(name))
                {
                    foreign.add(name);
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new JournalConfigurationException("journal directory does not exist: directory=" + path, ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list journal directory: directory=" + path, ex);
        }
        segments.sort(null);
        indexes.sort(null);
        foreign.sort(null);
        return new Listing(toArray(segments), toArray(indexes), foreign);
    }

    /**
     * Base positions of the segment files, ascending, ignoring every other file.
     *
     * @return the base positions.
     */
    public long[] listSegments()
    {
        final List<Long> segments = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path, "*" + JournalDirectoryLayout.SEGMENT_SUFFIX))
        {
            for (final Path entry : stream)
            {
                final long base = JournalDirectoryLayout.parseBasePosition(entry.getFileName().toString(),
                    JournalDirectoryLayout.SEGMENT_SUFFIX);
                if (base >= 0)
                {
                    segments.add(base);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list journal directory: directory=" + path, ex);
        }
        segments.sort(null);
        return toArray(segments);
    }

    private static long[] toArray(final List<Long> values)
    {
        final long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++)
        {
            array[i] = values.get(i);
        }
        return array;
    }

    /**
     * Delete a file, ignoring failure; for cleaning up after another failure.
     *
     * @param file to delete.
     */
    public static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // the original failure is the one worth reporting
        }
    }

    /**
     * What a journal directory holds.
     *
     * @param segmentBases base positions of segment files, ascending.
     * @param indexBases   base positions of index files, ascending.
     * @param foreignNames names that are not part of a journal.
     */
    public record Listing(long[] segmentBases, long[] indexBases, List<String> foreignNames)
    {
    }
}
