package org.permcheck.oracle;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * A one-off measurement (not a test, not run by Maven): the oracle's token_dispatch at
 * T=16384, E=256, top-8, H=7168, bf16, probs, align_size 128 against a plain copy of the output
 * bytes (allocate a tensor of the output's shape and copy every chunk), measured in the same run.
 * Run: {@code java -Xmx16g -cp oracle/target/classes:oracle/target/test-classes org.permcheck.oracle.OracleDispatchBenchMain [reps]}
 * The lead's {@code permcheck bench} is the real gate; this only checks the target (ratio <= 5).
 */
public final class OracleDispatchBenchMain {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int nt = 16384;
        int ne = 256;
        int k = 8;
        int h = 7168;
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor inp = Tensor.zeros(DType.BF16, nt, h);
        byte[] row = new byte[h * 2];
        for (int t = 0; t < nt; t++) {
            for (int i = 0; i < row.length; i++) row[i] = (byte) rnd.nextInt();
            inp.writeRowBytes(t, row, 0);
        }
        Tensor routing = Tensor.zeros(DType.BOOL, nt, ne);
        Tensor probs = Tensor.zeros(DType.BF16, nt, ne);
        int[] experts = new int[ne];
        for (int t = 0; t < nt; t++) {
            for (int e = 0; e < ne; e++) experts[e] = e;
            for (int j = 0; j < k; j++) { // k distinct experts: partial Fisher-Yates
                int pick = j + rnd.nextInt(ne - j);
                int tmp = experts[j]; experts[j] = experts[pick]; experts[pick] = tmp;
                routing.setLong(t, experts[j], 1);
                probs.setF32(t, experts[j], rnd.nextInt(100) == 0 ? 0f : (float) rnd.nextDouble());
            }
        }
        Invocation inv = new Invocation(Op.DISPATCH, Profile.TE_JAX,
                Map.of("inp", inp, "routing_map", routing, "probs", probs),
                Map.of("num_out_tokens", (long) nt * k, "align_size", 128L));

        long[] oracleNs = new long[reps];
        long[] copyNs = new long[reps];
        long outBytes = 0;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Expected x = Oracle.expected(inv);
            oracleNs[r] = System.nanoTime() - t0;
            Tensor out = x.values().get("output");
            outBytes = out.byteSize();
            long t1 = System.nanoTime();
            Tensor copy = plainCopy(out);
            copyNs[r] = System.nanoTime() - t1;
            if (!copy.bitEquals(out)) throw new AssertionError("copy differs");
            System.out.printf("rep %d: oracle %.3f s, plain copy %.3f s, output %s = %.2f GB%n",
                    r, oracleNs[r] / 1e9, copyNs[r] / 1e9, out.shapeString(), outBytes / 1e9);
            x = null;
            out = null;
            copy = null;
            System.gc();
        }
        Arrays.sort(oracleNs);
        Arrays.sort(copyNs);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        double ratio = (double) oracleNs[reps / 2] / copyNs[reps / 2];
        System.out.printf("median: oracle %.3f s, plain copy %.3f s, ratio %.2f; peak heap (sum of pool peaks) %.2f GB; cores %d%n",
                oracleNs[reps / 2] / 1e9, copyNs[reps / 2] / 1e9, ratio, peak / 1e9, Runtime.getRuntime().availableProcessors());
        if (args.length > 1 && args[1].equals("combine")) combine(inv, probs);
    }

    /** Informational: token_combine of the dispatched buffer (values + f64 reference + slack). */
    static void combine(Invocation dispatch, Tensor mergingProbs) {
        Expected d = Oracle.expected(dispatch);
        Invocation inv = new Invocation(Op.COMBINE, Profile.TE_JAX,
                Map.of("inp", d.values().get("output"), "row_id_map", d.values().get("row_id_map"),
                        "merging_probs", mergingProbs, "pad_offsets", d.values().get("pad_offsets")), Map.of());
        long t0 = System.nanoTime();
        Expected c = Oracle.expected(inv);
        long ns = System.nanoTime() - t0;
        Tensor out = c.values().get("output");
        long t1 = System.nanoTime();
        plainCopy(out);
        System.out.printf("combine: oracle %.3f s (output %s), plain copy of the output %.3f s%n", ns / 1e9, out.shapeString(), (System.nanoTime() - t1) / 1e9);
    }

    /** The baseline: a fresh tensor of the same shape and a chunk-by-chunk byte copy. */
    static Tensor plainCopy(Tensor src) {
        Tensor dst = Tensor.zeros(src.dtype(), src.shape());
        for (int c = 0; c < src.chunkCount(); c++) System.arraycopy(src.chunk(c), 0, dst.chunk(c), 0, src.chunk(c).length);
        return dst;
    }
}
