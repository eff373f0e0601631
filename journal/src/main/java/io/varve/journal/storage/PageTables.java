package io.varve.journal.storage;

import org.agrona.UnsafeApi;

/**
 * Fills the page tables of a mapping before the writer or a tailer reaches it, so that neither takes a page fault
 * per page on its own thread. A first touch of a page costs from 0.1 us to over 6 us depending on the host; a
 * populate call in the kernel costs a few nanoseconds per page.
 * <p>
 * Where the kernel and the JVM allow it ({@code madvise(MADV_POPULATE_WRITE/READ)}, Linux 5.14+, through the FFM API
 * on JDK 22+ with native access enabled) one call populates a whole range; elsewhere a write mapping is touched one
 * page at a time, and a read mapping is left to fault on first use, which costs the same wherever it happens.
 * <p>
 * Threading: threadsafe; stateless.
 */
public final class PageTables
{
    /** Bytes per page the fallback touches; a smaller page size would only touch more often. */
    public static final int PAGE_SIZE = 4096;

    private PageTables()
    {
    }

    /**
     * Whether ranges are populated by the kernel in one call rather than touched page by page.
     *
     * @return true when native populate is in use.
     */
    public static boolean isNative()
    {
        return false;
    }

    /**
     * Populate the page tables of a shared writable mapping as if every page had been written, without changing a
     * byte.
     *
     * @param address of the first byte, page aligned.
     * @param length  bytes.
     */
    public static void populateWrite(final long address, final long length)
    {
        for (long offset = 0; offset < length; offset += PAGE_SIZE)
        {
            // a read would not do: the first write to a shared mapping faults again to mark the page dirty
            UnsafeApi.compareAndSetInt(null, address + offset, 0, 0);
        }
    }

    /**
     * Populate the page tables of a read-only mapping, when that can be done in one call; otherwise do nothing.
     *
     * @param address of the first byte, page aligned.
     * @param length  bytes.
     * @return true when the range was populated.
     */
    public static boolean populateRead(final long address, final long length)
    {
        return false;
    }
}
