package io.varve.journal.storage;

import io.varve.journal.JournalCorruptionException;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.format.JournalDirectoryLayout;
import io.varve.journal.format.MetadataDescriptor;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The mapped metadata file, {@code journal.meta}; its layout is in {@link MetadataDescriptor}.
 * <p>
 * A new file is built under a temporary name and renamed into place, so a crash during creation leaves either no
 * metadata file or a complete one.
 * <p>
 * Threading: the durable slots are written only by {@code SegmentSyncer} under its lock; counters are written by
 * the writer's threads and read by anyone.
 */
public final class MetadataFile implements AutoCloseable
{
    private static final String TEMPORARY_NAME = JournalDirectoryLayout.METADATA_TEMPORARY_FILE;

    private final MappedFile file;
    private final AtomicBuffer buffer;
    private final UnsafeBuffer countersMetadata;
    private final UnsafeBuffer countersValues;
    private final UnsafeBuffer tailerTable;
    private final UnsafeBuffer errorLog;

    private MetadataFile(final MappedFile file)
    {
        this.file = file;
        this.buffer = file.buffer();
        countersMetadata = new UnsafeBuffer(buffer, MetadataDescriptor.COUNTERS_METADATA_OFFSET,
            MetadataDescriptor.COUNTERS_METADATA_LENGTH);
        countersValues = new UnsafeBuffer(buffer, MetadataDescriptor.COUNTERS_VALUES_OFFSET,
            MetadataDescriptor.COUNTERS_VALUES_LENGTH);
        tailerTable = new UnsafeBuffer(buffer, MetadataDescriptor.TAILER_TABLE_OFFSET,
            MetadataDescriptor.TAILER_TABLE_LENGTH);
        errorLog = new UnsafeBuffer(buffer, MetadataDescriptor.ERROR_LOG_OFFSET, MetadataDescriptor.ERROR_LOG_LENGTH);
    }

    /**
     * Whether the directory has a metadata file.
     *
     * @param directory of the journal.
     * @return true when {@code journal.meta} exists.
     */
    public static boolean exists(final Path directory)
    {
        return Files.exists(directory.resolve(JournalDirectoryLayout.METADATA_FILE));
    }

    /**
     * Create the metadata file of a new journal.
     *
     * @param directory     of the journal.
     * @param segmentLength of the journal.
     * @param journalId     random id.
     * @param creationTime  epoch nanos.
     * @param firstPosition position of the journal's first frame.
     * @return the mapped file, read-write.
     */
    public static MetadataFile create(
        final JournalDirectory directory,
        final int segmentLength,
        final long journalId,
        final long creationTime,
        final long firstPosition)
    {
        directory.delete(TEMPORARY_NAME);
        directory.allocate(TEMPORARY_NAME, MetadataDescriptor.FILE_LENGTH);
        final Path temporary = directory.resolve(TEMPORARY_NAME);
        try (MappedFile mapped = MappedFile.map(temporary, MetadataDescriptor.FILE_LENGTH, false))
        {
            final MetadataFile metadata = new MetadataFile(mapped);
            MetadataDescriptor.writeIdentity(mapped.buffer(), segmentLength, journalId, creationTime);
            MetadataDescriptor.writeDurableSlot(mapped.buffer(), MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
                firstPosition, 1);
            final CountersManager manager = new CountersManager(metadata.countersMetadata, metadata.countersValues);
            for (final JournalCounter counter : JournalCounter.values())
            {
                final int id = manager.allocate(counter.label(), counter.typeId());
                if (id != counter.id())
                {
                    throw new IllegalStateException("counter id mismatch: counter=" + counter + " id=" + id);
                }
            }
            metadata.counter(JournalCounter.DURABLE_POSITION).setRelease(firstPosition);
            metadata.counter(JournalCounter.FIRST_POSITION).setRelease(firstPosition);
            mapped.force(0, MetadataDescriptor.FILE_LENGTH, null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create metadata file: file=" + temporary, ex);
        }
        directory.rename(TEMPORARY_NAME, JournalDirectoryLayout.METADATA_FILE);
        directory.fsync();
        return open(directory.path(), false);
    }

    /**
     * Map an existing metadata file and check its identity.
     *
     * @param directory of the journal.
     * @param readOnly  true for readers, which never write to it.
     * @return the mapped file.
     * @throws JournalCorruptionException when it is not a valid metadata file.
     */
    public static MetadataFile open(final Path directory, final boolean readOnly)
    {
        final Path path = directory.resolve(JournalDirectoryLayout.METADATA_FILE);
        final long size;
        try
        {
            size = Files.size(path);
        }
        catch (final IOException ex)
        {
            if (AccessDenied.is(ex))
            {
                throw AccessDenied.exception(path, "read the metadata file", ex);
            }
            throw new JournalCorruptionException(path, -1, "cannot read metadata file: " + ex, null);
        }
        if (size < MetadataDescriptor.FILE_LENGTH)
        {
            throw new JournalCorruptionException(path, -1, "metadata file truncated: length=" + size +
                " expected=" + MetadataDescriptor.FILE_LENGTH, null);
        }
        final MappedFile mapped;
        try
        {
            mapped = MappedFile.map(path, MetadataDescriptor.FILE_LENGTH, readOnly);
        }
        catch (final IOException ex)
        {
            if (AccessDenied.is(ex))
            {
                throw AccessDenied.exception(path, "open the metadata file for " + (readOnly ? "reading" : "writing"),
                    ex);
            }
            throw new UncheckedIOException("cannot map metadata file: file=" + path, ex);
        }
        final String problem = MetadataDescriptor.validateIdentity(mapped.buffer());
        if (problem != null)
        {
            mapped.close();
            throw new JournalCorruptionException(path, 0, problem, null);
        }
        final MetadataFile metadata = new MetadataFile(mapped);
        final String counterProblem = metadata.validateCounters();
        if (counterProblem != null)
        {
            mapped.close();
            throw new JournalCorruptionException(path, MetadataDescriptor.COUNTERS_METADATA_OFFSET, counterProblem,
                null);
        }
        return metadata;
    }

    private String validateCounters()
    {
        final CountersReader reader = countersReader();
        for (final JournalCounter counter : JournalCounter.values())
        {
            final int state = reader.getCounterState(counter.id());
            final int typeId = reader.getCounterTypeId(counter.id());
            if (state != CountersReader.RECORD_ALLOCATED || typeId != counter.typeId())
            {
                return "metadata counter damaged: counter=" + counter + " state=" + state + " typeId=" + typeId +
                    " expected=" + counter.typeId();
            }
        }
        return null;
    }

    /**
     * The whole mapped file, for tools that copy it.
     *
     * @return a buffer over the file.
     */
    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * Whether this mapping is read-only.
     *
     * @return true for a reader without write access.
     */
    public boolean isReadOnly()
    {
        return file.isReadOnly();
    }

    /**
     * Segment length of the journal.
     *
     * @return bytes.
     */
    public int segmentLength()
    {
        return MetadataDescriptor.segmentLength(buffer);
    }

    /**
     * Journal id.
     *
     * @return the id.
     */
    public long journalId()
    {
        return MetadataDescriptor.journalId(buffer);
    }

    /**
     * Creation time.
     *
     * @return epoch nanos.
     */
    public long creationTime()
    {
        return MetadataDescriptor.creationTime(buffer);
    }

    /**
     * Durable position from the newest valid slot.
     *
     * @return the position.
     * @throws JournalCorruptionException when neither slot is valid.
     */
    public long durablePositionFromSlots()
    {
        final int slot = MetadataDescriptor.newestValidSlot(buffer);
        if (slot < 0)
        {
            throw new JournalCorruptionException(file.path(), MetadataDescriptor.DURABLE_SLOT_A_OFFSET,
                "both durable position slots are damaged", "run 'varve repair " + file.path().getParent() +
                "' (embedded: open with RecoveryMode.TRUNCATE_CORRUPTION) to rescan");
        }
        return MetadataDescriptor.slotPosition(buffer, slot);
    }

    /**
     * Whether a durable slot can be trusted.
     *
     * @return true when at least one slot is valid.
     */
    public boolean hasValidDurableSlot()
    {
        return MetadataDescriptor.newestValidSlot(buffer) >= 0;
    }

    /**
     * Record a new durable position in the older slot and force the header page to storage.
     *
     * @param position    now durable.
     * @param interceptor test seam, or null.
     */
    public void storeDurablePosition(final long position, final ForceInterceptor interceptor)
    {
        MetadataDescriptor.writeNextDurableSlot(buffer, position);
        file.force(0, MetadataDescriptor.HEADER_LENGTH, interceptor);
        counter(JournalCounter.DURABLE_POSITION).setRelease(position);
    }

    /**
     * Force the counter values to storage. Retention moves the first position and forces it before it deletes a
     * segment, so that a first segment file missing below that position is damage, never retention.
     */
    public void forceCounters()
    {
        file.force(MetadataDescriptor.COUNTERS_VALUES_OFFSET, MetadataDescriptor.COUNTERS_VALUES_LENGTH, null);
    }

    /**
     * Record the writer's process, or clear it with 0.
     *
     * @param pid       of the writer, or 0.
     * @param startTime epoch nanos, or 0.
     */
    public void writerProcess(final long pid, final long startTime)
    {
        buffer.putLong(MetadataDescriptor.WRITER_START_TIME_OFFSET, startTime, LITTLE_ENDIAN);
        buffer.putLongRelease(MetadataDescriptor.WRITER_PID_OFFSET, pid);
    }

    /**
     * Record the host boot the writer runs on and the largest frame it has started so far, for the next recovery.
     *
     * @param bootId         16 bytes identifying this boot of the host, or zeros when unknown.
     * @param maxFrameLength largest aligned frame the writer has started.
     */
    public void writerBoot(final byte[] bootId, final int maxFrameLength)
    {
        buffer.putBytes(MetadataDescriptor.WRITER_BOOT_ID_OFFSET, bootId, 0, HostBoot.ID_LENGTH);
        writerMaxFrameLength(maxFrameLength);
    }

    /**
     * Raise the largest frame the writer has started, before it writes a frame longer than any before it.
     *
     * @param maxFrameLength aligned length of that frame.
     */
    public void writerMaxFrameLength(final int maxFrameLength)
    {
        buffer.putIntRelease(MetadataDescriptor.WRITER_MAX_FRAME_LENGTH_OFFSET, maxFrameLength);
    }

    /**
     * Record how this writer publishes frames, before it recovers or writes any; see
     * {@link MetadataDescriptor#WRITER_WRITE_MODE_OFFSET}.
     *
     * @param positional true for {@link io.varve.journal.WriteMode#POSITIONAL}.
     */
    public void writerWriteMode(final boolean positional)
    {
        buffer.putIntRelease(MetadataDescriptor.WRITER_WRITE_MODE_OFFSET,
            positional ? MetadataDescriptor.WRITE_MODE_POSITIONAL : MetadataDescriptor.WRITE_MODE_MAPPED);
    }

    /**
     * Whether the last writer to open the journal publishes frames through the writer position counter only
     * ({@link io.varve.journal.WriteMode#POSITIONAL}), so readers must not read frames at or beyond it. A load with
     * acquire semantics: any process may read it while a writer opens.
     *
     * @return true when positional.
     */
    public boolean writerIsPositional()
    {
        return buffer.getIntAcquire(MetadataDescriptor.WRITER_WRITE_MODE_OFFSET) ==
            MetadataDescriptor.WRITE_MODE_POSITIONAL;
    }

    /**
     * Whether the last writer ran on this same boot of the host, so the page cache it wrote into survived.
     *
     * @return true when the recorded boot id is known and equals this boot's.
     */
    public boolean writerRanOnThisBoot()
    {
        final byte[] recorded = new byte[HostBoot.ID_LENGTH];
        buffer.getBytes(MetadataDescriptor.WRITER_BOOT_ID_OFFSET, recorded);
        return HostBoot.isKnown(recorded) && java.util.Arrays.equals(recorded, HostBoot.id());
    }

    /**
     * Largest aligned frame the last writer started.
     *
     * @return bytes, or 0 when not recorded.
     */
    public int writerMaxFrameLength()
    {
        return buffer.getInt(MetadataDescriptor.WRITER_MAX_FRAME_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * The writer's process id as last recorded.
     *
     * @return the PID, or 0 when no writer has it open (or the last one was killed).
     */
    public long writerPid()
    {
        return buffer.getLongVolatile(MetadataDescriptor.WRITER_PID_OFFSET);
    }

    /**
     * A counter for writing, over the mapped file.
     *
     * @param counter which one.
     * @return the counter.
     */
    public AtomicCounter counter(final JournalCounter counter)
    {
        return new AtomicCounter(countersValues, counter.id());
    }

    /**
     * Value of a counter.
     *
     * @param counter which one.
     * @return its value.
     */
    public long counterValue(final JournalCounter counter)
    {
        // Read in place: this runs once per group commit, where building a reader would allocate.
        return countersValues.getLongVolatile(CountersReader.counterOffset(counter.id()));
    }

    /**
     * A reader over the counters, as another process would build.
     *
     * @return the reader.
     */
    public CountersReader countersReader()
    {
        return new CountersReader(countersMetadata, countersValues);
    }

    /**
     * The tailer table section.
     *
     * @return a buffer over it.
     */
    public UnsafeBuffer tailerTable()
    {
        return tailerTable;
    }

    /**
     * The error log section.
     *
     * @return a buffer over it.
     */
    public UnsafeBuffer errorLog()
    {
        return errorLog;
    }

    /**
     * Path of the file.
     *
     * @return the path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Unmap.
     */
    public void close()
    {
        file.close();
    }
}
