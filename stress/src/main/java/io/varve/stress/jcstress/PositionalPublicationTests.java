package io.varve.stress.jcstress;

import io.varve.journal.Journal;
import io.varve.journal.JournalContext;
import io.varve.journal.RetentionPolicy;
import io.varve.journal.WriteMode;
import io.varve.journal.format.JournalCounter;
import io.varve.journal.read.Tailer;
import io.varve.journal.write.Appender;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The publication protocol of {@code WriteMode.POSITIONAL} on the real code: one actor appends through the journal's
 * own {@link Appender}, which stages a batch of two records and writes it with {@code pwrite} into a sparse segment
 * file in {@code /dev/shm}, then stores the writer position counter; the other polls the journal's own
 * {@link Tailer}, which reads the counter once and frames below it through a read-only mapping of the same file. The
 * pwrite's bytes reach the page cache in no defined order, so only the counter may tell the tailer what it can read.
 * <p>
 * Unlike the other suites these actors share one journal per forked JVM (opening a journal per state would cost a
 * directory, files and a thread each): every state is one more batch at the journal's end, and the tailer meets it
 * at the live edge. Segments are 1 MiB, so rolls happen too, and retention keeps /dev/shm small.
 */
public final class PositionalPublicationTests
{
    private static final int SEGMENT_LENGTH = 1024 * 1024;

    private PositionalPublicationTests()
    {
    }

    /**
     * The journal every state of a forked JVM shares, deleted when that JVM exits.
     */
    static final class SharedJournal
    {
        static final Journal JOURNAL;
        static final Appender APPENDER;
        static final Tailer TAILER;
        static final UnsafeBuffer PAYLOAD = new UnsafeBuffer(new byte[256]);

        static
        {
            final Path directory;
            try
            {
                final Path shm = Path.of("/dev/shm");
                directory = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(
                    System.getProperty("java.io.tmpdir")), "varve-jcstress-positional-");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            JOURNAL = Journal.open(new JournalContext().directory(directory).segmentLength(SEGMENT_LENGTH)
                .writeMode(WriteMode.POSITIONAL).retention(RetentionPolicy.parse("segments:4")));
            APPENDER = JOURNAL.appender();
            TAILER = JOURNAL.tailer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
        }

        private SharedJournal()
        {
        }

        private static void delete(final Path directory)
        {
            try
            {
                JOURNAL.close();
            }
            catch (final RuntimeException ignore)
            {
                // the files go all the same
            }
            try (Stream<Path> files = Files.walk(directory))
            {
                files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
            catch (final IOException ignore)
            {
                // best effort in a JVM that is exiting
            }
        }
    }

    static int payloadLength(final long sequence)
    {
        return (int)(sequence * 7 % 200) + 1;
    }

    static byte payloadByte(final long sequence, final int index)
    {
        return (byte)(sequence * 131 + index * 7 + 1);
    }

    /**
     * Checks every record the tailer delivers against the bytes the writer gave it.
     */
    static final class Checker
    {
        long lastSequence = -1;
        boolean valid = true;

        void onRecord(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final long timestamp,
            final int type)
        {
            if (sequence != lastSequence + 1 && lastSequence >= 0 || length != payloadLength(sequence))
            {
                valid = false;
            }
            for (int i = 0; i < length && valid; i++)
            {
                if (buffer.getByte(offset + i) != payloadByte(sequence, i))
                {
                    valid = false;
                }
            }
            lastSequence = sequence;
        }
    }

    /**
     * One batch of two records written and published while the tailer polls.
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE,
        desc = "the tailer read every frame below the counter it loaded, each whole and valid")
    @Outcome(id = "0, 1", expect = Expect.FORBIDDEN,
        desc = "the counter was past a frame the tailer could not read yet: published before it was written")
    @Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "a record delivered with bytes other than written")
    @Outcome(id = "-1, 0", expect = Expect.FORBIDDEN, desc = "the tailer met a damaged frame below the counter")
    @Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
    @State
    public static class BatchWrite
    {
        private static final Checker CHECKER = new Checker();
        private static final AtomicCounter WRITER_POSITION =
            SharedJournal.JOURNAL.metadata().counter(JournalCounter.WRITER_POSITION);

        /**
         * The journaling thread: two records staged in a batch, written and published at its end.
         */
        @Actor
        public void writer()
        {
            final Appender appender = SharedJournal.APPENDER;
            final UnsafeBuffer payload = SharedJournal.PAYLOAD;
            appender.beginBatch();
            for (int record = 0; record < 2; record++)
            {
                final long sequence = appender.nextSequence();
                final int length = payloadLength(sequence);
                for (int i = 0; i < length; i++)
                {
                    payload.putByte(i, payloadByte(sequence, i));
                }
                appender.append(payload, 0, length);
            }
            appender.endBatch();
        }

        /**
         * A tailer at the live edge: loads the counter, polls everything, and must have reached the counter.
         *
         * @param r whether it reached what the counter said was published, and whether every record was valid.
         */
        @Actor
        public void tailer(final II_Result r)
        {
            final Checker checker = CHECKER;
            final long published = WRITER_POSITION.getAcquire();
            try
            {
                while (SharedJournal.TAILER.poll(checker::onRecord, Integer.MAX_VALUE) > 0)
                {
                    // poll until nothing more is published
                }
                // At a roll the tailer looks for the next segment at most every 100 us, so it may wait at a segment's
                // end while the counter is already in the next one: only that is short of the counter.
                final long position = SharedJournal.TAILER.position();
                r.r1 = position >= published || position % SEGMENT_LENGTH == 0 ? 1 : 0;
                r.r2 = checker.valid ? 1 : 0;
            }
            catch (final RuntimeException ex)
            {
                r.r1 = -1;
                r.r2 = 0;
            }
        }
    }
}
