package io.varve.journal.recovery;

import io.varve.journal.format.FrameWalker;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.storage.HostBoot;
import io.varve.journal.storage.MetadataFile;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Damages a closed journal's files the way crashes and bad disks do, for recovery tests.
 */
public final class JournalFiles
{
    private JournalFiles()
    {
    }

    static List<Long> recordPositions(final Path dir, final int segmentLength)
    {
        final List<Long> positions = new ArrayList<>();
        FrameWalker.walk(dir, segmentLength, (buffer, offset, length, sequence, timestamp, type, position) ->
            positions.add(position));
        return positions;
    }

    static Path segmentOf(final Path dir, final long position, final int segmentLength)
    {
        return dir.resolve(JournalDirectoryLayout.segmentFileName(position & -(long)segmentLength));
    }

    static void flipByte(final Path dir, final long position, final int segmentLength)
    {
        try (RandomAccessFile file = new RandomAccessFile(segmentOf(dir, position, segmentLength).toFile(), "rw"))
        {
            final long offset = position & (segmentLength - 1);
            file.seek(offset);
            final int value = file.read();
            file.seek(offset);
            file.write(value ^ 0x10);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public static void writeBytes(final Path file, final long offset, final byte[] bytes)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Zero from a position to the end of its segment, as a write that never reached the disk. */
    static void zeroFrom(final Path dir, final long position, final int segmentLength)
    {
        final long offset = position & (segmentLength - 1);
        writeBytes(segmentOf(dir, position, segmentLength), offset, new byte[(int)(segmentLength - offset)]);
    }

    /**
     * Pretend only what lies below a position was ever synced and the host lost power since: unsynced frames are
     * damaged only by a power loss, which reboots the host, so the writer's boot is forgotten and recovery reads
     * everything after the durable position as it does after a reboot.
     */
    static void rewindDurablePosition(final Path dir, final long position)
    {
        try (MetadataFile metadata = MetadataFile.open(dir, false))
        {
            metadata.storeDurablePosition(position, null);
            metadata.writerBoot(new byte[HostBoot.ID_LENGTH], metadata.writerMaxFrameLength());
        }
    }

    static void copyDirectory(final Path from, final Path to)
    {
        try (Stream<Path> files = Files.list(from))
        {
            Files.createDirectories(to);
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
