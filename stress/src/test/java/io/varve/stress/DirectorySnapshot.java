package io.varve.stress;

import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import io.varve.journal.storage.HostBoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bytes of every file in a journal directory at one moment, read through the page cache while the writer is
 * idle: what a crash at that moment leaves, and the raw material of power-loss images and corruption cases.
 *
 * @param files file name to contents, in name order.
 */
public record DirectorySnapshot(Map<String, byte[]> files)
{
    public static DirectorySnapshot of(final Path directory)
    {
        final Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(directory))
        {
            for (final Path path : (Iterable<Path>)paths::iterator)
            {
                if (Files.isRegularFile(path))
                {
                    files.put(path.getFileName().toString(), Files.readAllBytes(path));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return new DirectorySnapshot(files);
    }

    /**
     * Give the snapshot's metadata file another boot's id, as the host has after a power loss or a reboot: recovery
     * must then not trust what the writer left in the page cache. Snapshots are taken on this boot, so images of a
     * power loss, and damage read back from the disk, need this.
     *
     * @param random source of the other boot's id.
     */
    public void rebootHost(final SplittableRandom random)
    {
        final byte[] metadata = files.get(JournalDirectoryLayout.METADATA_FILE);
        if (metadata != null && metadata.length >= MetadataDescriptor.WRITER_BOOT_ID_OFFSET + HostBoot.ID_LENGTH)
        {
            for (int i = 0; i < HostBoot.ID_LENGTH; i++)
            {
                metadata[MetadataDescriptor.WRITER_BOOT_ID_OFFSET + i] = (byte)random.nextInt(256);
            }
        }
    }

    /**
     * Write every file into an empty or new directory.
     */
    public void writeTo(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
            for (final Map.Entry<String, byte[]> file : files.entrySet())
            {
                Files.write(directory.resolve(file.getKey()), file.getValue());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
