package io.varve.ringbuffer;

/**
 * Names and defaults of the ring's settings; each default can be changed with a system property of the given name.
 * <p>
 * Threading: constants only.
 */
public final class RingConfiguration
{
    /** Slots in the ring, a power of two. */
    public static final String RING_SIZE_PROP_NAME = "varve.ring.size";
    /** Default slots: 65536. */
    public static final int RING_SIZE_DEFAULT = 65536;

    /**
     * Bytes per slot, rounded up to a multiple of 64: the largest record a claim takes; a longer published record
     * takes several consecutive slots.
     */
    public static final String SLOT_CAPACITY_PROP_NAME = "varve.ring.slot.capacity";
    /** Default slot capacity: 256 bytes (the ring then takes 16 MiB off-heap). */
    public static final int SLOT_CAPACITY_DEFAULT = 256;

    /** Whether many threads publish ({@code true}) or exactly one ({@code false}, faster). */
    public static final String MULTI_PRODUCER_PROP_NAME = "varve.ring.multi.producer";
    /** Default: many producers. */
    public static final boolean MULTI_PRODUCER_DEFAULT = true;

    /** How the journaling thread waits for records: BUSY_SPIN, YIELDING, SLEEPING or BLOCKING. */
    public static final String JOURNALING_WAIT_PROP_NAME = "varve.ring.journaling.wait";
    /** Default: SLEEPING. */
    public static final String JOURNALING_WAIT_DEFAULT = "SLEEPING";

    /** How a producer waits for room in a full ring or for durability: BUSY_SPIN, YIELDING, SLEEPING or BLOCKING. */
    public static final String PRODUCER_WAIT_PROP_NAME = "varve.ring.producer.wait";
    /** Default: SLEEPING. */
    public static final String PRODUCER_WAIT_DEFAULT = "SLEEPING";

    /** Group commit: force once this many bytes are waiting, even inside a batch. */
    public static final String MAX_BATCH_BYTES_PROP_NAME = "varve.ring.max.batch.bytes";
    /** Default: 1 MiB (BookKeeper uses 512 KiB). */
    public static final int MAX_BATCH_BYTES_DEFAULT = 1024 * 1024;

    /** Group commit: force once the oldest waiting record has waited this many microseconds. */
    public static final String MAX_BATCH_WAIT_MICROS_PROP_NAME = "varve.ring.max.batch.wait.micros";
    /** Default: 2 ms, as BookKeeper. */
    public static final long MAX_BATCH_WAIT_MICROS_DEFAULT = 2000;

    private RingConfiguration()
    {
    }

    /**
     * Ring size from its property or the default.
     *
     * @return slots.
     */
    public static int ringSize()
    {
        return Integer.getInteger(RING_SIZE_PROP_NAME, RING_SIZE_DEFAULT);
    }

    /**
     * Slot capacity from its property or the default.
     *
     * @return bytes.
     */
    public static int slotCapacity()
    {
        return Integer.getInteger(SLOT_CAPACITY_PROP_NAME, SLOT_CAPACITY_DEFAULT);
    }

    /**
     * Producer mode from its property or the default.
     *
     * @return true for many producers.
     */
    public static boolean multiProducer()
    {
        final String value = System.getProperty(MULTI_PRODUCER_PROP_NAME);
        return value == null ? MULTI_PRODUCER_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * Journaling thread's wait from its property or the default.
     *
     * @return the policy.
     */
    public static WaitPolicy journalingWait()
    {
        return WaitPolicy.valueOf(System.getProperty(JOURNALING_WAIT_PROP_NAME, JOURNALING_WAIT_DEFAULT));
    }

    /**
     * Producers' wait from its property or the default.
     *
     * @return the policy.
     */
    public static WaitPolicy producerWait()
    {
        return WaitPolicy.valueOf(System.getProperty(PRODUCER_WAIT_PROP_NAME, PRODUCER_WAIT_DEFAULT));
    }

    /**
     * Group commit byte bound from its property or the default.
     *
     * @return bytes.
     */
    public static int maxBatchBytes()
    {
        return Integer.getInteger(MAX_BATCH_BYTES_PROP_NAME, MAX_BATCH_BYTES_DEFAULT);
    }

    /**
     * Group commit time bound from its property or the default.
     *
     * @return microseconds.
     */
    public static long maxBatchWaitMicros()
    {
        return Long.getLong(MAX_BATCH_WAIT_MICROS_PROP_NAME, MAX_BATCH_WAIT_MICROS_DEFAULT);
    }
}
