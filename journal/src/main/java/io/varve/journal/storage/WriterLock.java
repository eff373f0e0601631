package io.varve.journal.storage;

import io.varve.journal.StorageSpaceException;
import io.varve.journal.WriterLockedException;
import io.varve.journal.format.JournalDirectoryLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer rule: an OS lock on {@code writer.lock}, which the OS drops when the owner dies, so there are no
 * timeouts and no guessing at stale locks.
 * <p>
 * A second writer in another process learns the owner's PID from {@code /proc/locks}, which names the process
 * holding each lock, so the answer is right even while the owner is still writing its PID into the file. A
 * second writer in this process is caught by a registry before it touches the file: closing any descriptor of a
 * file drops every POSIX lock this process holds on it.
 * <p>
 * Threading: threadsafe.
 */
public final class WriterLock implements AutoCloseable
{
    private static final Set<Path> LOCKED_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(final Path directory, final FileChannel channel, final FileLock lock)
    {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Take the journal's writer lock or fail naming the owner.
     *
     * @param directory   of the journal.
     * @param permissions for a new lock file.
     * @return the held lock.
     * @throws WriterLockedException when another writer holds it.
     */
    public static WriterLock acquire(final Path directory, final Set<PosixFilePermission> permissions)
    {
        final Path key = realPath(directory);
        if (!LOCKED_IN_THIS_PROCESS.add(key))
        {
            throw new WriterLockedException(directory, ProcessHandle.current().pid(), "this process");
        }
        FileChannel channel = null;
        try
        {
            final Path file = directory.resolve(JournalDirectoryLayout.LOCK_FILE);
            final boolean existed = Files.exists(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            if (!existed)
            {
                Files.setPosixFilePermissions(file, permissions);
            }
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                final long owner = ownerPid(file);
                channel.close();
                LOCKED_IN_THIS_PROCESS.remove(key);
                throw new WriterLockedException(directory, owner, "another process");
            }
            final byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            try
            {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
            }
            catch (final IOException ex)
            {
                // a full disk refuses even these few bytes: say so as every other allocation does
                closeQuietly(channel);
                throw new StorageSpaceException(file, pid.length, 0, ex);
            }
            return new WriterLock(directory, channel, lock);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            LOCKED_IN_THIS_PROCESS.remove(key);
            if (AccessDenied.is(ex))
            {
                throw AccessDenied.exception(directory.resolve(JournalDirectoryLayout.LOCK_FILE),
                    "create or lock the writer lock file", ex);
            }
            throw new UncheckedIOException("cannot take writer lock: directory=" + directory, ex);
        }
        catch (final RuntimeException ex)
        {
            LOCKED_IN_THIS_PROCESS.remove(key);
            throw ex;
        }
    }

    /**
     * PID of the process holding a POSIX lock on a file, from {@code /proc/locks}; the PID the owner wrote into the
     * file where {@code /proc/locks} is missing.
     *
     * @param file locked.
     * @return the PID, or -1 when unknown.
     */
    public static long ownerPid(final Path file)
    {
        try
        {
            final long inode = ((Number)Files.getAttribute(file, "unix:ino")).longValue();
            final Path procLocks = Path.of("/proc/locks");
            if (Files.isReadable(procLocks))
            {
                final List<String> lines = Files.readAllLines(procLocks, StandardCharsets.US_ASCII);
                for (final String line : lines)
                {
                    final long pid = pidOfLockOn(line, inode);
                    if (pid > 0)
                    {
                        return pid;
                    }
                }
            }
            final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * Parse one line of {@code /proc/locks}, such as {@code 1: POSIX  ADVISORY  WRITE 4242 fd:01:131 0 EOF}.
     *
     * @param line  of /proc/locks.
     * @param inode of the locked file.
     * @return the PID holding a POSIX lock on that inode, or -1.
     */
    static long pidOfLockOn(final String line, final long inode)
    {
        if (line.contains("->"))
        {
            return -1;
        }
        final String[] fields = line.trim().split("\\s+");
        if (fields.length < 6 || !"POSIX".equals(fields[1]))
        {
            return -1;
        }
        final String[] device = fields[5].split(":");
        if (device.length != 3 || !device[2].equals(Long.toString(inode)))
        {
            return -1;
        }
        return Long.parseLong(fields[4]);
    }

    /**
     * Directory this lock guards.
     *
     * @return the path.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Release the lock. The lock file stays: deleting it would race with the next writer opening it.
     */
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        LOCKED_IN_THIS_PROCESS.remove(realPath(directory));
    }

    private static Path realPath(final Path directory)
    {
        try
        {
            return directory.toRealPath();
        }
        catch (final IOException ex)
        {
            return directory.toAbsolutePath().normalize();
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to do
            }
        }
    }
}
