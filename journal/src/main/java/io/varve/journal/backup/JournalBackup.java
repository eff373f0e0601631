package io.varve.journal.backup;

import io.varve.journal.JournalConfigurationException;
import io.varve.journal.RuntimeRequirements;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.format.SegmentDescriptor;
import io.varve.journal.recovery.JournalVerifier;
import io.varve.journal.storage.AccessDenied;
import io.varve.journal.storage.JournalDirectory;
import io.varve.journal.storage.MetadataFile;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Copies a consistent journal while its writer keeps appending: every segment up to the durable position read at the
 * start, the segment holding it copied only up to it (the rest zeros, as a pre-allocated segment is), the indexes as
 * hints, and the metadata file with its durable position set to the copy's end. Frames below the durable position
 * never change, and the files are opened before anything is copied, so retention deleting them meanwhile does not
 * tear the copy. The copy is built under a temporary name, forced, and renamed into place: a crash or SIGKILL during
 * a backup leaves no half-made destination. The copy is itself a journal: open it, tail it, or restore it.
 * <p>
 * Threading: static methods; one call copies on the calling thread.
 */
public final class JournalBackup
{
    private JournalBackup()
    {
    }

    /**
     * Back up a journal, which may be open for writing in this or another process.
     *
     * @param source      journal directory.
     * @param destination new directory; must not exist.
     * @return what was copied and how the copy verified.
     */
    public static BackupReport backup(final Path source, final Path destination)
    {
        RuntimeRequirements.check();
        final long start = System.nanoTime();
        checkSource(source);
        checkDestination(source, destination, "journal");
        final Path temporary = temporaryFor(destination);
        final long durable;
        final int segmentLength;
        final List<FileChannel> open = new ArrayList<>();
        try (MetadataFile metadata = MetadataFile.open(source, true))
        {
            durable = metadata.durablePositionFromSlots();
            segmentLength = metadata.segmentLength();
            final long[] bases = new JournalDirectory(source, Set.of()).listSegments();
            final long durableBase = durable & -(long)segmentLength;
            final List<Long> copied = new ArrayList<>();
            for (final long base : bases)
            {
                if (base <= durableBase)
                {
                    final FileChannel channel = openIfPresent(
                        source.resolve(JournalDirectoryLayout.segmentFileName(base)));
                    if (channel != null)
                    {
                        open.add(channel);
                        copied.add(base);
                    }
                }
            }
            final ByteBuffer meta = ByteBuffer.allocate(MetadataDescriptor.FILE_LENGTH);
            metadata.buffer().getBytes(0, meta, MetadataDescriptor.FILE_LENGTH);
            createDirectory(temporary);
            long bytes = 0;
            for (int i = 0; i < copied.size(); i++)
            {
                final long base = copied.get(i);
                final long limit = base == durableBase ? durable - base : Long.MAX_VALUE;
                bytes += copySegment(open.get(i), temporary, base, limit, segmentLength);
                copyIfPresent(source.resolve(JournalDirectoryLayout.indexFileName(base)),
                    temporary.resolve(JournalDirectoryLayout.indexFileName(base)));
            }
            writeMetadata(meta, temporary, durable);
            forceAll(temporary);
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
            new JournalDirectory(destination.toAbsolutePath().getParent(), null).fsync();
            return new BackupReport(destination, copied.size(), bytes, durable, System.nanoTime() - start,
                new JournalVerifier(destination, Set.of()).verify());
        }
        catch (final IOException ex)
        {
            IoUtil.delete(temporary.toFile(), true);
            throw new UncheckedIOException("backup failed: source=" + source + " destination=" + destination + ": " +
                reason(ex, temporary), ex);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.delete(temporary.toFile(), true);
            throw ex;
        }
        finally
        {
            for (final FileChannel channel : open)
            {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Restore a backup into a new journal directory. (A backup is itself a journal and can also be opened where it
     * is.)
     *
     * @param backup      a directory made by {@link #backup(Path, Path)}.
     * @param destination new directory; must not exist.
     * @return what was copied and how the copy verified.
     */
    public static BackupReport restore(final Path backup, final Path destination)
    {
        RuntimeRequirements.check();
        final long start = System.nanoTime();
        checkSource(backup);
        checkDestination(backup, destination, "backup");
        final Path temporary = temporaryFor(destination);
        try (Stream<Path> files = Files.list(backup))
        {
            createDirectory(temporary);
            long bytes = 0;
            int segments = 0;
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(file) &&
                    !file.getFileName().toString().equals(JournalDirectoryLayout.LOCK_FILE))
                {
                    Files.copy(file, temporary.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    bytes += Files.size(file);
                    segments += file.getFileName().toString().endsWith(JournalDirectoryLayout.SEGMENT_SUFFIX) ? 1 : 0;
                }
            }
            forceAll(temporary);
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
            new JournalDirectory(destination.toAbsolutePath().getParent(), null).fsync();
            final long end;
            try (MetadataFile metadata = MetadataFile.open(destination, true))
            {
                end = metadata.durablePositionFromSlots();
            }
            return new BackupReport(destination, segments, bytes, end, System.nanoTime() - start,
                new JournalVerifier(destination, Set.of()).verify());
        }
        catch (final IOException ex)
        {
            IoUtil.delete(temporary.toFile(), true);
            throw new UncheckedIOException("restore failed: backup=" + backup + " destination=" + destination + ": " +
                reason(ex, temporary), ex);
        }
    }

    private static void checkSource(final Path source)
    {
        if (!Files.exists(source.resolve(JournalDirectoryLayout.METADATA_FILE)))
        {
            throw new JournalConfigurationException("not a journal: no " + JournalDirectoryLayout.METADATA_FILE +
                " in " + source);
        }
    }

    private static void checkDestination(final Path source, final Path destination, final String what)
    {
        if (Files.exists(destination))
        {
            throw new JournalConfigurationException("backup destination exists; choose a new directory: " +
                "destination=" + destination);
        }
        final Path from = realOrAbsolute(source);
        final Path to = realOrAbsolute(destination);
        if (to.startsWith(from))
        {
            // the copy would land among the files it copies: a foreign directory in the journal breaks it
            throw new JournalConfigurationException("destination is inside the " + what + " it copies: source=" +
                from + " destination=" + to + "; choose a directory outside it");
        }
    }

    private static Path realOrAbsolute(final Path path)
    {
        Path existing = path.toAbsolutePath().normalize();
        Path rest = existing.getFileSystem().getPath("");
        while (existing.getParent() != null && !Files.exists(existing))
        {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        try
        {
            return existing.toRealPath().resolve(rest);
        }
        catch (final IOException ex)
        {
            return path.toAbsolutePath().normalize();
        }
    }

    private static String reason(final IOException ex, final Path writing)
    {
        if (ex instanceof FileSystemException fileEx && fileEx.getFile() != null)
        {
            // a copy names its source first; a full disk or a denied write is the copy's, in the destination
            final String file = fileEx.getOtherFile() != null ?
                "file=" + fileEx.getOtherFile() + " (copying " + fileEx.getFile() + ")" : "file=" + fileEx.getFile();
            return (AccessDenied.is(ex) ? "permission denied" : fileEx.getReason() != null ? fileEx.getReason() :
                ex.getClass().getSimpleName()) + ": " + file;
        }
        return ex.getMessage() + " (writing into " + writing + ")";
    }

    private static Path temporaryFor(final Path destination)
    {
        final Path absolute = destination.toAbsolutePath(); // 'varve backup j0 b0' names no parent directory
        return absolute.resolveSibling(absolute.getFileName() + ".partial-" + ProcessHandle.current().pid());
    }

    private static void createDirectory(final Path directory) throws IOException
    {
        try
        {
            Files.createDirectories(directory.getParent());
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-x---")));
        }
        catch (final FileAlreadyExistsException ex)
        {
            IoUtil.delete(directory.toFile(), true);
            Files.createDirectory(directory);
        }
    }

    private static FileChannel openIfPresent(final Path file) throws IOException
    {
        try
        {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    private static long copySegment(
        final FileChannel from, final Path directory, final long base, final long limit, final int segmentLength)
        throws IOException
    {
        final Path target = directory.resolve(JournalDirectoryLayout.segmentFileName(base));
        final long size = from.size();
        final long copyLength = Math.min(size, Math.max(limit, SegmentDescriptor.HEADER_LENGTH));
        try (FileChannel to = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
            long copied = 0;
            while (copied < copyLength)
            {
                copied += from.transferTo(copied, copyLength - copied, to);
            }
            // the segment holding the durable position keeps its full, really allocated length
            final ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            long at = copyLength;
            final long fileLength = limit == Long.MAX_VALUE ? size : Math.max(size, segmentLength);
            while (at < fileLength)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), fileLength - at));
                at += to.write(zeros, at);
            }
            return copyLength;
        }
    }

    private static void copyIfPresent(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.copy(from, to);
        }
        catch (final NoSuchFileException ex)
        {
            // an index is a hint: recovery and readers do without it
        }
    }

    private static void writeMetadata(final ByteBuffer meta, final Path directory, final long durable)
        throws IOException
    {
        final Path target = directory.resolve(JournalDirectoryLayout.METADATA_FILE);
        try (FileChannel to = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
            meta.clear();
            while (meta.hasRemaining())
            {
                to.write(meta);
            }
        }
        try (MetadataFile copy = MetadataFile.open(directory, false))
        {
            copy.storeDurablePosition(durable, null);
            copy.writerProcess(0, 0);
            copy.errorLog().setMemory(0, copy.errorLog().capacity(), (byte)0);
        }
    }

    private static void forceAll(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    channel.force(true);
                }
            }
        }
        new JournalDirectory(directory, null).fsync();
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // read-only: nothing to lose
        }
    }
}
