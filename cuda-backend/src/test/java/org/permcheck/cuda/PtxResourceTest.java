package org.permcheck.cuda;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where nvcc exists the build embeds PTX with every kernel the Java side launches. */
class PtxResourceTest {
    @Test
    void ptxHoldsEveryKernelTheBackendLaunches() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/local/bin/nvcc")), "no nvcc here: the PTX step is skipped by design");
        byte[] ptx = CudaDevice.readPtx();
        assertNotNull(ptx, "the nvcc profile must have put " + CudaDevice.PTX_RESOURCE + " in the jar");
        String text = new String(ptx, StandardCharsets.US_ASCII);
        assertTrue(text.contains(".target sm_80"), "PTX for compute_80 (JIT on Ampere and Hopper)");
        for (String k : new String[] {"rowmap_count", "rowmap_scan", "chunk_prep", "chunk_map", "ragged_params", "local_a2a_params"}) {
            assertTrue(text.contains(".entry " + k + "("), k);
        }
        for (int u : new int[] {1, 2, 4, 8, 16}) {
            for (String k : new String[] {"dispatch_permute_", "dispatch_pad_fill_", "scatter_rows_", "fill_unhit_", "sort_rows_"}) {
                assertTrue(text.contains(".entry " + k + u + "("), k + u);
            }
        }
        for (String dt : new String[] {"f32_16", "f32_4", "bf16_16", "bf16_4", "bf16_2", "f16_16", "f16_4", "f16_2"}) {
            assertTrue(text.contains(".entry gather_sum_" + dt + "("), dt);
            assertTrue(text.contains(".entry combine_bwd_" + dt + "("), dt);
        }
    }
}
