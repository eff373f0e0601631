package io.varve.bench;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.checksum.Checksums;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.status.RecordingPos;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.file.Path;

/**
 * Aeron Archive the way trading shops journal with it: an archiving media driver embedded in the process,
 * recording an IPC publication to segment files on the same disk the other systems write to. The driver runs its
 * agents on one shared thread (IPC needs no sender or receiver); the archive's recorder and replayer have their
 * own threads. Control goes over the archive's local IPC channel, so nothing touches the network.
 * <p>
 * Threading: open and close from one thread; the publication belongs to one thread.
 */
public final class EmbeddedArchive implements AutoCloseable
{
    /** Channel the recorded publication uses: IPC, with an MTU that keeps a 4 KiB message in one frame. */
    public static final String CHANNEL = "aeron:ipc?mtu=8192";
    /** Stream of the recorded publication. */
    public static final int STREAM_ID = 1001;
    /** Channel replays are delivered on. */
    public static final String REPLAY_CHANNEL = "aeron:ipc?mtu=8192";
    /** Stream replays are delivered on. */
    public static final int REPLAY_STREAM_ID = 1002;
    /** Where the media drivers' directories go: shared memory, as Aeron recommends on Linux. */
    public static final String DRIVER_DIRECTORY_PARENT = "/dev/shm";
    /** Prefix of the media drivers' directories, followed by the pid of the process. */
    public static final String DRIVER_DIRECTORY_PREFIX = "varve-bench-aeron-";

    private final ArchivingMediaDriver driver;
    private final Aeron aeron;
    private final AeronArchive archive;

    private EmbeddedArchive(final ArchivingMediaDriver driver, final Aeron aeron, final AeronArchive archive)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.archive = archive;
    }

    /**
     * Launch a driver and archive and connect a client to both.
     *
     * @param archiveDirectory where recordings go; kept if it exists.
     * @param fileSyncLevel    0: no forces; 1: the recorder forces data as it writes; 2: metadata too.
     * @return the running archive.
     */
    public static EmbeddedArchive launch(final Path archiveDirectory, final int fileSyncLevel)
    {
        return launch(archiveDirectory, fileSyncLevel, false);
    }

    /**
     * Launch a driver and archive and connect a client to both.
     *
     * @param archiveDirectory where recordings go; kept if it exists.
     * @param fileSyncLevel    0: no forces; 1: the recorder forces data as it writes; 2: metadata too.
     * @param checksums        true to have the recorder store a CRC-32C per frame, as Varve does.
     * @return the running archive.
     */
    public static EmbeddedArchive launch(final Path archiveDirectory, final int fileSyncLevel, final boolean checksums)
    {
        final String aeronDirectory = DRIVER_DIRECTORY_PARENT + "/" + DRIVER_DIRECTORY_PREFIX +
            ProcessHandle.current().pid() + "-" + System.nanoTime();
        ArchivingMediaDriver driver = null;
        Aeron aeron = null;
        try
        {
            driver = ArchivingMediaDriver.launch(
                new MediaDriver.Context()
                    .aeronDirectoryName(aeronDirectory)
                    .threadingMode(ThreadingMode.SHARED)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true),
                new Archive.Context()
                    .aeronDirectoryName(aeronDirectory)
                    .archiveDir(new File(archiveDirectory.toString()))
                    .threadingMode(ArchiveThreadingMode.DEDICATED)
                    .controlChannelEnabled(false)
                    .replicationChannel("aeron:udp?endpoint=localhost:0")
                    .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
                    .recordingEventsEnabled(false)
                    .fileSyncLevel(fileSyncLevel)
                    .catalogFileSyncLevel(fileSyncLevel)
                    .recordChecksum(checksums ? Checksums.crc32c() : null)
                    .deleteArchiveOnStart(false));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
            final AeronArchive archive = AeronArchive.connect(new AeronArchive.Context()
                .aeron(aeron)
                .controlRequestChannel(AeronArchive.Configuration.localControlChannel())
                .controlRequestStreamId(AeronArchive.Configuration.localControlStreamId())
                .controlResponseChannel("aeron:ipc"));
            return new EmbeddedArchive(driver, aeron, archive);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            throw ex;
        }
    }

    /**
     * Delete the driver directories that processes killed while running an archive left behind; those of live
     * processes stay.
     */
    public static void deleteStaleDriverDirectories()
    {
        final File[] directories = new File(DRIVER_DIRECTORY_PARENT).listFiles(
            (file) -> file.getName().startsWith(DRIVER_DIRECTORY_PREFIX));
        if (directories == null)
        {
            return;
        }
        for (final File directory : directories)
        {
            final String[] parts = directory.getName().substring(DRIVER_DIRECTORY_PREFIX.length()).split("-");
            final boolean alive = ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false);
            if (!alive)
            {
                RunDirectory.deleteTree(directory.toPath());
            }
        }
    }

    /**
     * An exclusive IPC publication that the archive records, connected.
     *
     * @return the publication.
     */
    public ExclusivePublication recordedPublication()
    {
        final ExclusivePublication publication = archive.addRecordedExclusivePublication(CHANNEL, STREAM_ID);
        while (!publication.isConnected())
        {
            Thread.yield();
        }
        return publication;
    }

    /**
     * Wait until the archive has recorded a publication up to its current position.
     *
     * @param publication recorded.
     * @return the recording's id.
     */
    public long awaitRecorded(final ExclusivePublication publication)
    {
        final CountersReader counters = aeron.countersReader();
        final long position = publication.position();
        int counterId = RecordingPos.findCounterIdBySession(counters, publication.sessionId(), archive.archiveId());
        while (counterId == CountersReader.NULL_COUNTER_ID)
        {
            Thread.yield();
            counterId = RecordingPos.findCounterIdBySession(counters, publication.sessionId(), archive.archiveId());
        }
        while (counters.getCounterValue(counterId) < position)
        {
            Thread.yield();
        }
        return RecordingPos.getRecordingId(counters, counterId);
    }

    /**
     * The archive client.
     *
     * @return the client.
     */
    public AeronArchive archive()
    {
        return archive;
    }

    /**
     * The Aeron client.
     *
     * @return the client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * Close the clients, then the driver and archive, deleting the driver's directory; recordings stay.
     */
    public void close()
    {
        CloseHelper.closeAll(archive, aeron, driver);
    }
}
