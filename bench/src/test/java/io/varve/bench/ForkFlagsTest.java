package io.varve.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForkFlagsTest
{
    @Test
    void shouldGiveVarveForksOnlyTheAgronaFlagBesideTheHeap()
    {
        assertEquals(List.of(ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA),
            ForkFlags.forSystem(BenchSystem.VARVE, 17));
        assertEquals(List.of(ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA),
            ForkFlags.forSystem(BenchSystem.VARVE, 25));
        assertFalse(ForkFlags.forSystem(BenchSystem.VARVE).contains(ForkFlags.VARVE_NATIVE_ACCESS),
            "the optional native access flag only when asked for");
    }

    @Test
    void shouldGiveChronicleTheMinimalSetOnJdk17AndTheAccessFlagsOnJdk25()
    {
        final List<String> jdk17 = ForkFlags.forSystem(BenchSystem.CHRONICLE, 17);
        assertTrue(jdk17.containsAll(List.of(ForkFlags.CHRONICLE_REFLECT, ForkFlags.CHRONICLE_NIO,
            ForkFlags.CHRONICLE_REF, ForkFlags.CHRONICLE_NO_ANALYTICS, ForkFlags.CHRONICLE_NO_ANNOUNCER)));
        assertFalse(jdk17.contains(ForkFlags.CHRONICLE_UNSAFE), "JDK 17 does not know the Unsafe access flag");
        assertFalse(jdk17.contains(ForkFlags.AGRONA));

        final List<String> jdk25 = ForkFlags.forSystem(BenchSystem.CHRONICLE, 25);
        assertTrue(jdk25.containsAll(List.of(ForkFlags.CHRONICLE_NATIVE_ACCESS, ForkFlags.CHRONICLE_UNSAFE)));
    }

    @Test
    void shouldGiveAeronTheAgronaFlagAndChecksumAccess()
    {
        assertEquals(List.of(ForkFlags.HEAP_MIN, ForkFlags.HEAP_MAX, ForkFlags.AGRONA, ForkFlags.AERON_CHECKSUMS),
            ForkFlags.forSystem(BenchSystem.AERON, 17));
    }
}
