package io.varve.journal.storage;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped into memory once, whole, read-write for the writer or read-only for readers.
 * <p>
 * A read-only mapping never writes to the file. Files are never truncated while mapped (that would SIGBUS a
 * reader in another process); a journal only deletes whole files, which leaves existing mappings valid.
 * <p>
 * Threading: {@link #force(int, int, ForceInterceptor)} may run on another thread than the writer's;
 * {@link #close()} must not race with any other use.
 */
public final class MappedFile implements AutoCloseable
{
    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final ByteBuffer checksumView;
    private final boolean readOnly;
    private boolean closed;

    private MappedFile(final Path path, final MappedByteBuffer mapped, final boolean readOnly)
    {
        this.path = path;
        this.mapped = mapped;
        this.readOnly = readOnly;
        this.buffer = new UnsafeBuffer(mapped);
        this.checksumView = mapped.duplicate();
    }

    /**
     * Map a whole existing file.
     *
     * @param path     of the file.
     * @param length   bytes to map; the file must be at least this long.
     * @param readOnly true to map read-only.
     * @return the mapped file.
     * @throws IOException when it cannot be opened or mapped.
     */
    public static MappedFile map(final Path path, final int length, final boolean readOnly) throws IOException
    {
        final StandardOpenOption[] options = readOnly ?
            new StandardOpenOption[]{ StandardOpenOption.READ } :
            new StandardOpenOption[]{ StandardOpenOption.READ, StandardOpenOption.WRITE };
        try (FileChannel channel = FileChannel.open(path, options))
        {
            final long size = channel.size();
            if (size < length)
            {
                throw new IOException("file shorter than expected: file=" + path + " length=" + size +
                    " expected=" + length);
            }
            final MappedByteBuffer mapped = channel.map(
                readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, length);
            return new MappedFile(path, mapped, readOnly);
        }
    }

    /**
     * Populate the page tables of the whole mapping for writing, so the page faults happen now, on this thread, and
     * not later on the writer's; see {@link PageTables}. A read-only mapping is populated for reading, where that
     * takes one call: writing to it, even a byte unchanged, would kill the JVM with SIGSEGV.
     */
    public void preTouch()
    {
        if (readOnly)
        {
            PageTables.populateRead(buffer.addressOffset(), buffer.capacity());
        }
        else
        {
            PageTables.populateWrite(buffer.addressOffset(), buffer.capacity());
        }
    }

    /**
     * Force a range of the file to storage (msync). A failure is an {@link UncheckedIOException}; callers treat
     * it as fatal.
     *
     * @param fromOffset  first byte.
     * @param toOffset    end, exclusive.
     * @param interceptor test seam, or null.
     */
    public void force(final int fromOffset, final int toOffset, final ForceInterceptor interceptor)
    {
        if (toOffset <= fromOffset)
        {
            return;
        }
        try
        {
            if (interceptor != null)
            {
                interceptor.beforeForce(path, fromOffset, toOffset);
            }
            mapped.force(fromOffset, toOffset - fromOffset);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("force failed: file=" + path + " from=" + fromOffset + " to=" + toOffset,
                ex);
        }
    }

    /**
     * Buffer over the whole mapping.
     *
     * @return the buffer.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * A direct view over the mapping for {@link java.util.zip.CRC32C}, whose position and limit the owner moves.
     *
     * @return the view.
     */
    public ByteBuffer checksumView()
    {
        return checksumView;
    }

    /**
     * Address of the first byte.
     *
     * @return the address.
     */
    public long address()
    {
        return buffer.addressOffset();
    }

    /**
     * Bytes mapped.
     *
     * @return the length.
     */
    public int length()
    {
        return buffer.capacity();
    }

    /**
     * Path of the file.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * Whether the mapping is read-only.
     *
     * @return true when read-only.
     */
    public boolean isReadOnly()
    {
        return readOnly;
    }

    /**
     * Unmap. Using the buffer afterwards would crash the JVM, so owners drop it first.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "MappedFile{" + path + (readOnly ? ", read-only" : "") + '}';
    }
}
