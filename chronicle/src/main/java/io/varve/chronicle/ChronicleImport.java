package io.varve.chronicle;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHeader;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Copies every excerpt of a Chronicle Queue, every roll cycle in index order, into a Varve journal: one keyed
 * record per excerpt whose key is the excerpt's Chronicle index and whose value is the excerpt's bytes, unchanged
 * ({@link ImportedRecordDescriptor}). Metadata documents are Chronicle's own and are not copied.
 * <p>
 * Resumable: run again on the same journal, it reads the Chronicle index of the journal's last record, moves the
 * queue's tailer to that excerpt and continues with the one after it, so an import that was stopped or killed ends
 * with every excerpt exactly once. A queue that is still being written is imported up to its last complete
 * excerpt; {@link ImportReport#stoppedAtIncomplete()} says so. The queue is opened read-only.
 * <pre>{@code
 * final ChronicleImport chronicleImport = new ChronicleImport(queueDir, new JournalContext().directory(journalDir));
 * final ImportReport report = chronicleImport.run();
 * final VerifyResult result = chronicleImport.verify();
 * }</pre>
 * <p>
 * Threading: NOT threadsafe; one run at a time (the journal's writer lock refuses a second writer anyway).
 */
public final class ChronicleImport
{
    /** Records between two progress reports. */
    public static final int PROGRESS_INTERVAL = 4096;

    /** Chronicle Queue aligns each excerpt's header to 4 bytes. */
    private static final int HEADER_ALIGNMENT = 4;
    /** Bytes looked at after a zero header for the start of an excerpt being written. */
    private static final int PEEK_LENGTH = 64;

    private final Path queueDirectory;
    private final JournalContext journalContext;
    private int type;
    private LongConsumer progress = (records) -> { };
    private UnsafeBuffer excerpt = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer key = new UnsafeBuffer(new byte[ImportedRecordDescriptor.KEY_LENGTH]);
    private byte[] lastImportedValue;
    private File lastExcerptFile;
    private long lastExcerptEnd;

    /**
     * An import of a queue into the journal a context describes.
     *
     * @param queueDirectory the Chronicle Queue's directory.
     * @param journalContext the target journal's settings, its directory included; created when missing.
     */
    public ChronicleImport(final Path queueDirectory, final JournalContext journalContext)
    {
        this.queueDirectory = queueDirectory;
        this.journalContext = journalContext;
    }

    /**
     * Record type of the imported records.
     *
     * @param type 0 or more; 0 by default.
     * @return this.
     */
    public ChronicleImport type(final int type)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("type must be 0 or more: type=" + type);
        }
        this.type = type;
        return this;
    }

    /**
     * Told the number of records in the journal (earlier runs included) every {@link #PROGRESS_INTERVAL} records
     * and at the end.
     *
     * @param progress the listener, called on the importing thread.
     * @return this.
     */
    public ChronicleImport progress(final LongConsumer progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * Excerpts the queue holds, for a progress bar.
     *
     * @return the count.
     */
    public long queueExcerpts()
    {
        ChronicleQueueDirectory.check(queueDirectory);
        try (SingleChronicleQueue queue = openQueue())
        {
            return queue.entryCount();
        }
    }

    /**
     * Copy every excerpt the journal does not hold yet.
     *
     * @return what was done.
     */
    public ImportReport run()
    {
        ChronicleQueueDirectory.check(queueDirectory);
        final long start = System.nanoTime();
        try (SingleChronicleQueue queue = openQueue();
            ExcerptTailer tailer = queue.createTailer();
            Journal journal = Journal.open(journalContext))
        {
            final Appender appender = journal.appender();
            final long alreadyImported = appender.nextSequence();
            final long resumeAfter = alreadyImported == 0 ? -1 : lastImportedIndex(journal, alreadyImported - 1);
            if (resumeAfter >= 0)
            {
                skipThrough(tailer, resumeAfter);
            }
            final RollCycle rollCycle = queue.rollCycle();
            long imported = 0;
            long bytes = 0;
            long firstIndex = -1;
            long lastIndex = resumeAfter;
            int cycles = 0;
            int lastCycle = Integer.MIN_VALUE;
            while (true)
            {
                try (DocumentContext context = tailer.readingDocument())
                {
                    if (!context.isPresent())
                    {
                        break;
                    }
                    final long index = context.index();
                    final int length = copyExcerpt(context.wire().bytes());
                    noteExcerptEnd(context.wire().bytes());
                    ImportedRecordDescriptor.putChronicleIndex(key, 0, index);
                    appender.appendKeyed(key, 0, ImportedRecordDescriptor.KEY_LENGTH, excerpt, 0, length, type,
                        ImportedRecordDescriptor.SCHEMA_VERSION, false);
                    final int cycle = rollCycle.toCycle(index);
                    if (cycle != lastCycle)
                    {
                        cycles++;
                        lastCycle = cycle;
                    }
                    firstIndex = firstIndex < 0 ? index : firstIndex;
                    lastIndex = index;
                    imported++;
                    bytes += length;
                }
                if ((imported & (PROGRESS_INTERVAL - 1)) == 0)
                {
                    progress.accept(alreadyImported + imported);
                }
            }
            final Path incompleteIn = incompleteExcerptAhead();
            final boolean incomplete = incompleteIn != null;
            appender.sync();
            final List<Path> cycleFiles = ChronicleQueueDirectory.cycleFiles(queueDirectory);
            if (incomplete && !incompleteIn.equals(cycleFiles.get(cycleFiles.size() - 1).toAbsolutePath()))
            {
                // writers append to the last cycle only: an unfinished excerpt before it is damage, and Chronicle
                // stops there as at the queue's end, so every later excerpt would be left out
                throw new ChronicleImportException("the queue stops at an unfinished or damaged excerpt after index " +
                    "0x" + Long.toHexString(lastIndex) + " in " + incompleteIn.getFileName() + ", which later " +
                    "roll-cycle files follow: the excerpts after it cannot be read; the " +
                    (alreadyImported + imported) + " excerpts before it are imported (a writer rolling to a new " +
                    "cycle right now leaves this for a moment: run again): queue=" + queueDirectory);
            }
            progress.accept(alreadyImported + imported);
            final long queueLastIndex = queue.lastIndex();
            return new ImportReport(alreadyImported, imported, bytes, cycles, firstIndex, lastIndex, queueLastIndex,
                incomplete || queueLastIndex > lastIndex, System.nanoTime() - start);
        }
    }

    /**
     * Re-read both sides and compare every record of the journal with the queue's excerpt at the same place in
     * index order: the key with the excerpt's index, the value with the excerpt's bytes.
     *
     * @return what was found.
     */
    public VerifyResult verify()
    {
        ChronicleQueueDirectory.check(queueDirectory);
        final ComparingHandler handler = new ComparingHandler();
        try (SingleChronicleQueue queue = openQueue();
            ExcerptTailer queueTailer = queue.createTailer();
            JournalReader reader = JournalReader.open(journalContext.directory());
            Tailer journalTailer = reader.tailer())
        {
            long compared = 0;
            while (true)
            {
                final long index;
                final int length;
                try (DocumentContext context = queueTailer.readingDocument())
                {
                    if (!context.isPresent())
                    {
                        break;
                    }
                    index = context.index();
                    length = copyExcerpt(context.wire().bytes());
                }
                handler.expect(index, length);
                if (journalTailer.poll(handler, 1) == 0)
                {
                    long newer = 1;
                    while (skipOne(queueTailer))
                    {
                        newer++;
                    }
                    return new VerifyResult(compared, null, newer);
                }
                if (handler.mismatch != null)
                {
                    return new VerifyResult(compared, handler.mismatch, 0);
                }
                compared++;
            }
            handler.expect(-1, -1);
            if (journalTailer.poll(handler, 1) > 0)
            {
                return new VerifyResult(compared, "the journal holds a record at sequence " + handler.sequence +
                    " after the queue's last excerpt", 0);
            }
            return new VerifyResult(compared, null, 0);
        }
    }

    private SingleChronicleQueue openQueue()
    {
        return SingleChronicleQueueBuilder.single(queueDirectory.toFile()).readOnly(true).build();
    }

    private long lastImportedIndex(final Journal journal, final long lastSequence)
    {
        final long[] index = {-1};
        try (Tailer tailer = journal.tailer())
        {
            tailer.seekToSequence(lastSequence);
            tailer.poll((buffer, offset, length, sequence, timestamp, recordType) ->
            {
                if (RecordHeader.keyLength(buffer, offset) != ImportedRecordDescriptor.KEY_LENGTH)
                {
                    throw new ChronicleImportException("the journal's last record (sequence " + sequence +
                        ") is not an imported excerpt: it has no 8-byte key: journal=" + journal.directory());
                }
                index[0] = ImportedRecordDescriptor.chronicleIndex(buffer, offset);
                lastImportedValue = new byte[length - ImportedRecordDescriptor.KEY_LENGTH];
                buffer.getBytes(offset + ImportedRecordDescriptor.EXCERPT_OFFSET, lastImportedValue);
            }, 1);
        }
        if (index[0] < 0)
        {
            throw new ChronicleImportException("cannot read the journal's last record, sequence " + lastSequence +
                ": journal=" + journal.directory());
        }
        return index[0];
    }

    private void skipThrough(final ExcerptTailer tailer, final long index)
    {
        if (!tailer.moveToIndex(index))
        {
            throw new ChronicleImportException("the queue no longer holds the excerpt the journal's last record " +
                "came from: index=0x" + Long.toHexString(index) + " queue=" + queueDirectory);
        }
        try (DocumentContext context = tailer.readingDocument())
        {
            if (!context.isPresent() || context.index() != index)
            {
                throw new ChronicleImportException("cannot read the queue's excerpt at index=0x" +
                    Long.toHexString(index) + " queue=" + queueDirectory);
            }
            final int length = copyExcerpt(context.wire().bytes());
            if (length != lastImportedValue.length || !excerptEquals(lastImportedValue))
            {
                throw new ChronicleImportException("the journal's last record does not hold the queue's excerpt at " +
                    "its index 0x" + Long.toHexString(index) + ": the journal was imported from another queue, or " +
                    "one of them was changed; refusing to continue: queue=" + queueDirectory);
            }
            noteExcerptEnd(context.wire().bytes());
        }
    }

    private boolean excerptEquals(final byte[] value)
    {
        for (int i = 0; i < value.length; i++)
        {
            if (excerpt.getByte(i) != value[i])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean hasBytesAfter(final FileChannel channel, final long position) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(PEEK_LENGTH);
        final int read = channel.read(bytes, position);
        for (int i = 0; i < read; i++)
        {
            if (bytes.get(i) != 0)
            {
                return true;
            }
        }
        return false;
    }

    private void noteExcerptEnd(final Bytes<?> bytes)
    {
        if (bytes instanceof MappedBytes)
        {
            lastExcerptFile = ((MappedBytes)bytes).mappedFile().file();
            lastExcerptEnd = bytes.readLimit();
        }
    }

    /**
     * Whether a writer has started an excerpt after the last one read and not finished it. Headers are 4-byte
     * aligned and each says how long its document is; the header of an excerpt being written is either zero, with the
     * excerpt's first bytes already after it (Chronicle Queue 2026 writes the header when the excerpt is done), or
     * has the not-complete bit set (older releases). So: walk the headers from the end of the last excerpt read to
     * the end of its cycle file, then those of every later cycle file, and look for either. A writer that has
     * started an excerpt but written no byte of it yet cannot be seen.
     *
     * @return the cycle file holding the unfinished excerpt, absolute, or null when there is none.
     */
    private Path incompleteExcerptAhead()
    {
        final List<Path> cycleFiles = ChronicleQueueDirectory.cycleFiles(queueDirectory);
        final Path lastFile = lastExcerptFile == null ? null : lastExcerptFile.toPath().toAbsolutePath();
        boolean after = lastFile == null;
        for (final Path file : cycleFiles)
        {
            if (after && hasIncompleteHeader(file, 0))
            {
                return file.toAbsolutePath();
            }
            if (!after && file.toAbsolutePath().equals(lastFile))
            {
                after = true;
                if (hasIncompleteHeader(file, lastExcerptEnd))
                {
                    return file.toAbsolutePath();
                }
            }
        }
        return null;
    }

    private static boolean hasIncompleteHeader(final Path file, final long from)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            final long size = channel.size();
            long position = (from + HEADER_ALIGNMENT - 1) & -HEADER_ALIGNMENT;
            while (position + Integer.BYTES <= size)
            {
                header.clear();
                if (channel.read(header, position) != Integer.BYTES)
                {
                    return false;
                }
                final int word = header.getInt(0);
                if (word == 0)
                {
                    return hasBytesAfter(channel, position + Integer.BYTES);
                }
                if (Wires.isEndOfFile(word))
                {
                    return false;
                }
                if (Wires.isNotComplete(word))
                {
                    return true;
                }
                position = (position + Integer.BYTES + Wires.lengthOf(word) + HEADER_ALIGNMENT - 1) &
                    -HEADER_ALIGNMENT;
            }
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }

    private static boolean skipOne(final ExcerptTailer tailer)
    {
        try (DocumentContext context = tailer.readingDocument())
        {
            return context.isPresent();
        }
    }

    private int copyExcerpt(final Bytes<?> bytes)
    {
        final long remaining = bytes.readRemaining();
        if (remaining > Integer.MAX_VALUE - 16)
        {
            throw new ChronicleImportException("excerpt too large: " + remaining + " bytes");
        }
        final int length = (int)remaining;
        if (length > excerpt.capacity())
        {
            excerpt = new UnsafeBuffer(new byte[Math.max(length, excerpt.capacity() * 2)]);
        }
        final byte[] array = excerpt.byteArray();
        final long position = bytes.readPosition();
        for (int done = 0; done < length; )
        {
            final long read = bytes.read(position + done, array, done, length - done);
            if (read <= 0)
            {
                throw new ChronicleImportException("short excerpt read at " + (position + done));
            }
            done += (int)read;
        }
        return length;
    }

    private final class ComparingHandler implements io.varve.journal.read.RecordHandler
    {
        private long expectedIndex;
        private int expectedLength;
        private long sequence;
        private String mismatch;

        void expect(final long index, final int length)
        {
            expectedIndex = index;
            expectedLength = length;
        }

        public void onRecord(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final long timestamp,
            final int recordType)
        {
            this.sequence = sequence;
            if (expectedIndex < 0)
            {
                return;
            }
            final int keyLength = RecordHeader.keyLength(buffer, offset);
            if (keyLength != ImportedRecordDescriptor.KEY_LENGTH)
            {
                mismatch = "record " + sequence + " has no 8-byte key (key length " + keyLength + ")";
                return;
            }
            final long index = ImportedRecordDescriptor.chronicleIndex(buffer, offset);
            if (index != expectedIndex)
            {
                mismatch = "record " + sequence + " holds index 0x" + Long.toHexString(index) +
                    ", the queue's next excerpt is 0x" + Long.toHexString(expectedIndex);
                return;
            }
            final int valueLength = length - keyLength;
            if (valueLength != expectedLength)
            {
                mismatch = "record " + sequence + " (index 0x" + Long.toHexString(index) + ") is " + valueLength +
                    " bytes, the excerpt " + expectedLength;
                return;
            }
            for (int i = 0; i < valueLength; i++)
            {
                if (buffer.getByte(offset + keyLength + i) != excerpt.getByte(i))
                {
                    mismatch = "record " + sequence + " (index 0x" + Long.toHexString(index) +
                        ") differs from the excerpt at byte " + i;
                    return;
                }
            }
        }
    }
}
