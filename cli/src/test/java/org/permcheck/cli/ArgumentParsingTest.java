package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.permcheck.tensor.DType;

class ArgumentParsingTest {

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), DurationArg.parse("90s"));
        assertEquals(Duration.ofMinutes(10), DurationArg.parse("10m"));
        assertEquals(Duration.ofMinutes(90), DurationArg.parse("1h30m"));
        assertEquals(Duration.ofSeconds(600), DurationArg.parse("600"));
        assertThrows(UsageError.class, () -> DurationArg.parse("10"+"x"));
        assertThrows(UsageError.class, () -> DurationArg.parse("m"));
        assertThrows(UsageError.class, () -> DurationArg.parse("1h30"));
        assertThrows(UsageError.class, () -> DurationArg.parse("0s"));
    }

    @Test
    void tensorArguments() {
        TensorArg a = TensorArg.parse("inp=data/x.npy:bf16");
        assertEquals("inp", a.name());
        assertEquals(Path.of("data/x.npy"), a.file());
        assertEquals(DType.BF16, a.dtype());
        TensorArg b = TensorArg.parse("routing_map=map.npy");
        assertNull(b.dtype());
        TensorArg c = TensorArg.parse("inp=odd:name.npy"); // a colon inside the file name, no dtype
        assertEquals(Path.of("odd:name.npy"), c.file());
        assertNull(c.dtype());
        assertThrows(UsageError.class, () -> TensorArg.parse("inp"));
        assertThrows(UsageError.class, () -> TensorArg.parse("=x.npy"));
        assertThrows(UsageError.class, () -> TensorArg.parse("inp=x:nodtype"));
    }
}
