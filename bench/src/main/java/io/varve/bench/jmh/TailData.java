package io.varve.bench.jmh;

/**
 * Size of the data set the tail-read benchmarks write once and then read over and over, warm in the page cache.
 * <p>
 * Threading: constants and a pure function.
 */
final class TailData
{
    /** System property: bytes of records in the data set. */
    static final String BYTES_PROP_NAME = "varve.bench.tail.bytes";
    /** Default data set: 512 MiB, about 5.6M 64-byte records in 96-byte frames. */
    static final long BYTES_DEFAULT = 512L << 20;
    /** Records each benchmark invocation reads. */
    static final int BATCH = 64;

    private TailData()
    {
    }

    /**
     * Bytes of records to write.
     *
     * @return bytes.
     */
    static long bytes()
    {
        return Long.getLong(BYTES_PROP_NAME, BYTES_DEFAULT);
    }
}
