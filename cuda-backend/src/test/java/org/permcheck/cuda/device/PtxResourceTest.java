package org.permcheck.cuda.device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where nvcc exists the build embeds PTX, and the PTX agrees with the kernel table: every entry of
 * every {@link Kernel} is there with as many parameters as the table says, each as wide as its kind
 * (a pointer or a long long is .u64 / .b64, an int .u32 / .b32). No GPU is needed for this.
 */
class PtxResourceTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.([busf])(\\d+)\\s+\\w+");

    @Test
    void ptxHoldsEveryKernelOfTheTableWithItsSignature() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/local/bin/nvcc")), "no nvcc here: the PTX step is skipped by design");
        byte[] ptx = CudaDevice.readPtx();
        assertNotNull(ptx, "the nvcc profile must have put " + CudaDevice.PTX_RESOURCE + " in the jar");
        String text = new String(ptx, StandardCharsets.US_ASCII);
        assertTrue(text.contains(".target sm_80"), "PTX for compute_80 (JIT on Ampere and Hopper)");
        java.util.Map<String, List<Integer>> widths = new java.util.HashMap<>();
        Matcher e = ENTRY.matcher(text);
        while (e.find()) {
            List<Integer> w = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) w.add(Integer.parseInt(p.group(2)));
            widths.put(e.group(1), w);
        }
        int checked = 0;
        for (Kernel k : Kernel.values()) {
            List<Integer> expected = k.params().stream().map(p -> p == Kernel.Param.I32 ? 32 : 64).toList();
            for (String entry : k.entries()) {
                assertTrue(widths.containsKey(entry), "PTX has no .entry " + entry + " (table row " + k + ")");
                assertEquals(expected, widths.get(entry), entry + ": parameter widths in the PTX vs the table");
                checked++;
            }
        }
        // by hand from permcheck.cu: 6 single kernels + 3 bench floors + 5 data kernels x 5 units + 2 reductions x 8 variants
        assertEquals(6 + 3 + 25 + 16, checked);
        assertEquals(checked, widths.size(), "the PTX has entries the table does not know: " + widths.keySet());
    }

    @Test
    void theTableNamesEveryVariantTheCuInstantiates() {
        // by hand from the instantiation macros at the end of permcheck.cu
        assertEquals(List.of("dispatch_permute_16", "dispatch_permute_8", "dispatch_permute_4", "dispatch_permute_2", "dispatch_permute_1"),
                Kernel.DISPATCH_PERMUTE.entries());
        assertEquals(List.of("gather_sum_f32_16", "gather_sum_f32_4", "gather_sum_bf16_16", "gather_sum_bf16_4", "gather_sum_bf16_2",
                "gather_sum_f16_16", "gather_sum_f16_4", "gather_sum_f16_2"), Kernel.GATHER_SUM.entries());
        assertEquals(List.of("rowmap_count"), Kernel.ROWMAP_COUNT.entries());
        assertEquals(8, Kernel.ROWMAP_COUNT.params().size());
    }

    @Test
    void aLaunchThatDoesNotMatchTheTableFailsBeforeTheDriver() {
        // no device is touched: the checks run while the launch is assembled
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> Kernel.GATHER_SUM.entry("f32_2"));
        assertTrue(v.getMessage().startsWith("gather_sum_: no variant 'f32_2'"), v.getMessage());
        Launch l = new Launch(null, Kernel.RAGGED_PARAMS, "ragged_params", 1, 32, 0).ptr(null).i32(2);
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> l.i64(3));
        assertEquals("ragged_params: argument 2 (E) is I32, given I64", kind.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, l::go);
        assertEquals("ragged_params: 2 of 6 arguments given, next is E", count.getMessage());
    }
}
