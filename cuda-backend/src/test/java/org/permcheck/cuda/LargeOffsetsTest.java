package org.permcheck.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.check.CheckContext;
import org.permcheck.engine.check.Checks;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a GPU: buffers past 2^31 bytes (64-bit row offsets in every kernel). Dispatch writes a
 * 2.3 GB output, combine reads it back, and a chunk sort moves 2.3 GB; all judged by the oracle
 * and the engine's checks. Skipped without a GPU; needs about 10 GB of Java heap.
 */
class LargeOffsetsTest {
    static final long H = 16384;          // bf16 rows of 32 KiB
    static final long T = 35000;          // top-2: 70,000 permuted rows = 2.29e9 bytes > 2^31

    @Test
    void dispatchCombineAndChunkSortPastTwoGigabytes() throws Exception {
        try (CudaBackend b = new CudaBackend()) {
            assumeTrue(b.info().available(), "no GPU");
            assumeTrue(Runtime.getRuntime().maxMemory() > 12L << 30, "needs a heap of 12 GB or more");
            RandomCalls r = new RandomCalls(7);
            int e = 4;
            Tensor routing = Tensor.zeros(DType.I32, T, e);
            for (long t = 0; t < T; t++) {
                routing.setLong(t, t % e, 1);
                routing.setLong(t, (t + 1) % e, 1);
            }
            Tensor inp = r.values(DType.BF16, T, H);
            Invocation d = new Invocation(Op.DISPATCH, Profile.TE_JAX, Map.of("inp", inp, "routing_map", routing),
                    Map.of("num_out_tokens", 2 * T));
            List<String> problems = new ArrayList<>();
            Outputs dOut = judge(b, d, problems);
            assertTrue(dOut.get("output").byteSize() > (1L << 31));

            Map<String, Tensor> cin = new LinkedHashMap<>();
            cin.put("inp", dOut.get("output"));
            cin.put("row_id_map", dOut.get("row_id_map"));
            cin.put("merging_probs", r.probs(DType.F32, T, e));
            judge(b, new Invocation(Op.COMBINE, Profile.TE_JAX, cin, Map.of()), problems);

            long n = 2 * T;
            Map<String, Tensor> sin = new LinkedHashMap<>();
            sin.put("inp", dOut.get("output"));
            sin.put("split_sizes", Tensor.ofInts(DType.I64, new long[] {3}, n / 3, n / 3, n - 2 * (n / 3)));
            sin.put("sorted_indices", Tensor.ofInts(DType.I64, new long[] {3}, 2, 0, 1));
            Outputs s = judge(b, new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX, sin, Map.of()), problems);
            // by hand: the last chunk comes first, so output row 0 is input row 2*(n/3)
            assertTrue(s.get("output").rowEquals(0, dOut.get("output"), 2 * (n / 3)));
            assertEquals(List.of(), problems);
        }
    }

    private static Outputs judge(CudaBackend b, Invocation inv, List<String> problems) throws Exception {
        Expected x = Oracle.expected(inv);
        Outputs a = b.run(inv);
        for (Violation v : Checks.run(new CheckContext(inv, x, a, null, null))) problems.add(v.render());
        return a;
    }
}
