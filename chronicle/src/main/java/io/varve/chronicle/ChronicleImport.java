package io.varve.chronicle;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.read.JournalReader;
import io.varve.journal.read.RecordHeader;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

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
    /** The file name suffix of a Chronicle Queue roll-cycle file. */
    public static final String CYCLE_FILE_SUFFIX = ".cq4";

    private final Path queueDirectory;
    private final JournalContext journalContext;
    private int type;
    private LongConsumer progress = (records) -> { };
    private UnsafeBuffer excerpt = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer key = new UnsafeBuffer(new byte[ImportedRecordDescriptor.KEY_LENGTH]);

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
     * Throw unless a directory looks like a Chronicle Queue: it exists and holds at least one roll-cycle file.
     *
     * @param directory to check.
     * @throws NotAChronicleQueueException when it does not.
     */
    public static void checkIsQueue(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new NotAChronicleQueueException(directory, "not a directory");
        }
        try (Stream<Path> files = Files.list(directory))
        {
            if (files.noneMatch((path) -> path.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX)))
            {
                throw new NotAChronicleQueueException(directory, "no " + CYCLE_FILE_SUFFIX + " roll-cycle file");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + directory, ex);
        }
    }

    /**
     * Excerpts the queue holds, for a progress bar.
     *
     * @return the count.
     */
    public long queueExcerpts()
    {
        checkIsQueue(queueDirectory);
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
        checkIsQueue(queueDirectory);
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
            appender.sync();
            progress.accept(alreadyImported + imported);
            final long queueLastIndex = queue.lastIndex();
            return new ImportReport(alreadyImported, imported, bytes, cycles, firstIndex, lastIndex, queueLastIndex,
                queueLastIndex > lastIndex, System.nanoTime() - start);
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
        checkIsQueue(queueDirectory);
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
