package io.varve.ringbuffer;

import io.varve.journal.Journal;

import java.util.concurrent.locks.LockSupport;

/**
 * The ring's force thread under {@code FsyncPolicy.BATCH}, as BookKeeper's journal has one: woken at the end of each
 * batch, it forces everything the appender has published by then and returns to wait, so forces overlap with
 * appending instead of stalling the journaling thread. Batches that end while a force runs are covered together by
 * the next one. Acknowledgements follow from the journal's durability callback, after each force returned.
 * <p>
 * Threading: {@link #request()} from the journaling thread; the loop on its own thread.
 */
final class RingForcer implements Runnable
{
    private final Journal journal;
    private final JournalRing ring;
    private volatile boolean pending;
    private volatile boolean running = true;
    private volatile Thread thread;

    RingForcer(final Journal journal, final JournalRing ring)
    {
        this.journal = journal;
        this.ring = ring;
    }

    void start(final Thread forceThread)
    {
        thread = forceThread;
        forceThread.start();
    }

    /**
     * Ask for a force of everything published so far.
     */
    void request()
    {
        pending = true;
        LockSupport.unpark(thread);
    }

    /**
     * Stop after the force in progress, if any; wait for the thread to end.
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    void stop() throws InterruptedException
    {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }

    public void run()
    {
        while (running)
        {
            if (!pending)
            {
                LockSupport.park(this);
                continue;
            }
            pending = false;
            try
            {
                journal.forcePublished();
            }
            catch (final RuntimeException ex)
            {
                ring.fail(ex);
                return;
            }
        }
    }
}
