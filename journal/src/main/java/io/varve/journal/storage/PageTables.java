package io.varve.journal.storage;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Fills the page tables of a mapping before the writer or a tailer reaches it, so that neither takes a page fault
 * per page on its own thread. A first touch of a page costs from 0.1 us to over 6 us depending on the host; a
 * populate call in the kernel costs a few nanoseconds per page.
 * <p>
 * Where the kernel and the JVM allow it ({@code madvise(MADV_POPULATE_WRITE/READ)}, Linux 5.14+, through the FFM API
 * on JDK 22+ with native access enabled) one call populates a whole range; elsewhere a write mapping is touched one
 * page at a time, and a read mapping is left to fault on first use, which costs the same wherever it happens.
 * <p>
 * The native path is used only when it costs the user nothing: the code is compiled for Java 17, so the FFM classes
 * are reached by reflection, once, when this class initialises; and only when this class's module already has
 * native access ({@code --enable-native-access=ALL-UNNAMED}, or {@code Enable-Native-Access: ALL-UNNAMED} in the
 * manifest of the jar started with {@code java -jar}), because creating a downcall without it prints a warning
 * (and is refused under {@code --illegal-native-access=deny}). A JDK before 22, a kernel without the advice, or
 * {@code -Dvarve.native=false} all fall back silently.
 * <p>
 * Threading: threadsafe; stateless after class initialisation.
 */
public final class PageTables
{
    /** Bytes per page the fallback touches; a smaller page size would only touch more often. */
    public static final int PAGE_SIZE = 4096;

    /** System property that turns the native path off when set to {@code false}, to compare the two. */
    public static final String NATIVE_PROPERTY = "varve.native";

    /** {@code MADV_POPULATE_READ} from the Linux uapi {@code mman-common.h}. */
    static final int MADV_POPULATE_READ = 22;

    /** {@code MADV_POPULATE_WRITE} from the Linux uapi {@code mman-common.h}. */
    static final int MADV_POPULATE_WRITE = 23;

    /** {@code int madvise(void *addr, size_t length, int advice)} as (long, long, int) int, or null. */
    private static final MethodHandle MADVISE;

    /** Why the native path is not in use, for diagnostics; null when it is. */
    private static final String FALLBACK_REASON;

    static
    {
        MethodHandle handle = null;
        String reason;
        try
        {
            reason = unavailableReason();
            if (reason == null)
            {
                handle = madviseHandle();
                reason = probe(handle);
                if (reason != null)
                {
                    handle = null;
                }
            }
        }
        catch (final Throwable ex)
        {
            // any failure to link means the fallback, never a failure to load this class
            handle = null;
            reason = "cannot link madvise: " + ex;
        }
        MADVISE = handle;
        FALLBACK_REASON = reason;
    }

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
        return MADVISE != null;
    }

    /**
     * Why the native path is not in use (JDK too old, native access not enabled, kernel without the advice,
     * turned off by {@value #NATIVE_PROPERTY}), for diagnostics.
     *
     * @return the reason, or null when {@link #isNative()}.
     */
    public static String fallbackReason()
    {
        return FALLBACK_REASON;
    }

    /**
     * Populate the page tables of a shared writable mapping as if every page had been written, without changing a
     * byte: in one kernel call where it can, otherwise by touching every page.
     * <p>
     * When the kernel call is there, an address not page aligned is taken from the start of its page; when the call
     * refuses, nothing is touched: it refuses where touching would raise SIGBUS (a file cut short under the
     * mapping, a page the file system cannot back), and SIGBUS in a touch kills the JVM; the pages then fault when
     * first written, as without a populate. On a sparse file the touching fallback would raise SIGBUS where the
     * file system cannot back a page; such files use {@link #tryPopulateWrite(long, long)} instead.
     *
     * @param address of the first byte, page aligned.
     * @param length  bytes.
     */
    public static void populateWrite(final long address, final long length)
    {
        if (MADVISE == null)
        {
            touch(address, length);
        }
        else if (length > 0)
        {
            final long aligned = address & -PAGE_SIZE;
            tryPopulateWrite(aligned, length + (address - aligned));
        }
    }

    /**
     * Populate the page tables of a shared writable mapping as if every page had been written, in one kernel call,
     * without changing a byte; on a file mapping this also makes the file system back every page (allocate or
     * reserve its blocks), so a later write through the mapping cannot fail for want of space.
     *
     * @param address of the first byte, page aligned.
     * @param length  bytes.
     * @return true when every page was populated; false when the native path is not in use or the kernel refused
     * (for a file on a full disk, among other reasons), and then nothing was touched by this call.
     */
    public static boolean tryPopulateWrite(final long address, final long length)
    {
        return madvise(address, length, MADV_POPULATE_WRITE);
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
        return madvise(address, length, MADV_POPULATE_READ);
    }

    /**
     * Touch every page of a shared writable mapping by writing it, without changing a byte: the Java path.
     *
     * @param address of the first byte, page aligned.
     * @param length  bytes.
     */
    public static void touch(final long address, final long length)
    {
        for (long offset = 0; offset < length; offset += PAGE_SIZE)
        {
            // a read would not do: the first write to a shared mapping faults again to mark the page dirty
            UnsafeApi.compareAndSetInt(null, address + offset, 0, 0);
        }
    }

    private static boolean madvise(final long address, final long length, final int advice)
    {
        if (MADVISE == null || length <= 0)
        {
            return false;
        }
        try
        {
            // invokeExact on a static final handle of type (long, long, int) int: no boxing, no allocation
            return (int)MADVISE.invokeExact(address, length, advice) == 0;
        }
        catch (final Throwable ex)
        {
            return false;
        }
    }

    private static String unavailableReason() throws ReflectiveOperationException
    {
        if ("false".equalsIgnoreCase(System.getProperty(NATIVE_PROPERTY)))
        {
            return "turned off by -D" + NATIVE_PROPERTY + "=false";
        }
        if (!"Linux".equals(System.getProperty("os.name")))
        {
            return "not Linux";
        }
        if (Runtime.version().feature() < 22)
        {
            return "JDK " + Runtime.version().feature() + " has no final FFM API (22+)";
        }
        final Method isNativeAccessEnabled = Module.class.getMethod("isNativeAccessEnabled");
        if (!(Boolean)isNativeAccessEnabled.invoke(PageTables.class.getModule()))
        {
            return "native access is not enabled for " + PageTables.class.getModule() +
                " (--enable-native-access=ALL-UNNAMED would enable it)";
        }
        return null;
    }

    private static MethodHandle madviseHandle() throws ReflectiveOperationException
    {
        final Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        final Class<?> symbolLookupClass = Class.forName("java.lang.foreign.SymbolLookup");
        final Class<?> memorySegmentClass = Class.forName("java.lang.foreign.MemorySegment");
        final Class<?> memoryLayoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        final Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
        final Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        final Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");

        final Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
        final Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
        final Optional<?> symbol = (Optional<?>)symbolLookupClass.getMethod("find", String.class)
            .invoke(lookup, "madvise");
        if (symbol.isEmpty())
        {
            throw new IllegalStateException("no madvise in the default lookup");
        }

        // the address travels as a long, so a call needs no MemorySegment: the handle is (long, long, int) int
        final Object javaLong = valueLayoutClass.getField("JAVA_LONG").get(null);
        final Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
        final Object arguments = Array.newInstance(memoryLayoutClass, 3);
        Array.set(arguments, 0, javaLong);
        Array.set(arguments, 1, javaLong);
        Array.set(arguments, 2, javaInt);
        final Object descriptor = descriptorClass.getMethod("of", memoryLayoutClass, arguments.getClass())
            .invoke(null, javaInt, arguments);
        final Object noOptions = Array.newInstance(optionClass, 0);
        return (MethodHandle)linkerClass.getMethod(
            "downcallHandle", memorySegmentClass, descriptorClass, noOptions.getClass())
            .invoke(linker, symbol.get(), descriptor, noOptions);
    }

    /**
     * One call on a page of this process's own memory tells whether the kernel knows the advice (5.14+) before any
     * file depends on it.
     */
    private static String probe(final MethodHandle handle) throws Throwable
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(2 * PAGE_SIZE);
        final long aligned = (BufferUtil.address(memory) + PAGE_SIZE - 1) & -PAGE_SIZE;
        final int result = (int)handle.invokeExact(aligned, (long)PAGE_SIZE, MADV_POPULATE_WRITE);
        Reference.reachabilityFence(memory);
        return result == 0 ? null : "madvise(MADV_POPULATE_WRITE) failed on this kernel (needs Linux 5.14+)";
    }
}
