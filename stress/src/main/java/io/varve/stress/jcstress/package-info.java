/**
 * jcstress tests of every protocol two threads of Varve meet on, one outer class per protocol with a nested
 * {@code @JCStressTest} per operation, as Agrona's {@code agrona-concurrency-tests}: frame publication
 * ({@link io.varve.stress.jcstress.FramePublicationTests}), the segment roll hand-off
 * ({@link io.varve.stress.jcstress.SegmentRollTests}), durable-position publication
 * ({@link io.varve.stress.jcstress.DurablePositionTests}), the counters
 * ({@link io.varve.stress.jcstress.CountersTests}) and named tailers' slots
 * ({@link io.varve.stress.jcstress.TailerPositionTests}).
 * <p>
 * Each test drives the journal's own protocol code ({@code FrameWriter}, {@code FrameReader},
 * {@code SegmentDescriptor}, {@code MetadataDescriptor}, {@code TailerPosition}, Agrona counters) on plain off-heap
 * memory: a mapped file is the same memory to the CPU, and files would make each of the millions of states jcstress
 * creates cost a system call. Every test names its acceptable outcomes and forbids everything else.
 * <p>
 * Run them all with {@code java -jar stress/target/jcstress.jar -m default}; {@link
 * io.varve.stress.jcstress.JcstressMain} passes the JVM flag Agrona needs to jcstress's forked JVMs.
 */
package io.varve.stress.jcstress;
