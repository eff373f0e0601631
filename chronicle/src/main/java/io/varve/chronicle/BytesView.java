package io.varve.chronicle;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.VanillaBytes;

/**
 * One chronicle-bytes view, moved from one off-heap region to the next: a {@link PointerBytesStore} whose address
 * and size are set per record and the {@link Bytes} over it. Moving it allocates nothing.
 * <p>
 * Threading: NOT threadsafe; one thread at a time (Chronicle's own thread-affinity check is off, so the owner may
 * hand it to another thread between records).
 */
final class BytesView
{
    private final PointerBytesStore store = new PointerBytesStore();
    private VanillaBytes<Void> bytes;

    private VanillaBytes<Void> bytesOver(final long address, final long size)
    {
        store.set(address, size);
        if (bytes == null)
        {
            // Made on first use: Chronicle refuses a store at address 0.
            bytes = store.bytesForWrite();
            bytes.singleThreadedCheckDisabled(true);
        }
        bytes.clear();
        return bytes;
    }

    /**
     * Wrap a region to write, from its start.
     *
     * @param address  of the region.
     * @param capacity bytes that may be written.
     * @return the view, write position 0, write limit {@code capacity}.
     */
    Bytes<Void> forWrite(final long address, final int capacity)
    {
        return bytesOver(address, capacity);
    }

    /**
     * Wrap a region to read, from its start.
     *
     * @param address of the region.
     * @param length  bytes to read.
     * @return the view, read position 0, read limit {@code length}.
     */
    Bytes<Void> forRead(final long address, final int length)
    {
        final VanillaBytes<Void> view = bytesOver(address, length);
        view.readLimit(length);
        return view;
    }
}
