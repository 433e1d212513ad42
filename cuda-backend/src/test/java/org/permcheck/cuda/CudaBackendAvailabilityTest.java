package org.permcheck.cuda;

import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.BackendProvider;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend is always constructible; where it cannot run (no driver, no GPU, no PTX) it says why
 * and answers NOT_SUPPORTED: never a PASS without a GPU. Runs everywhere (CI has no GPU).
 */
class CudaBackendAvailabilityTest {

    private static Invocation tinyDispatch() {
        // T=2, E=2: token 0 -> expert 1, token 1 -> nothing
        Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 2}, 1f, 2f, 3f, 4f);
        Tensor map = Tensor.i32(new long[] {2, 2}, 0, 1, 0, 0);
        return new Invocation(Op.DISPATCH, Profile.TE_JAX, Map.of("inp", inp, "routing_map", map), Map.of("num_out_tokens", 1L));
    }

    @Test
    void providerIsRegisteredUnderCuda() {
        boolean found = false;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("cuda")) {
                found = true;
                assertTrue(p instanceof CudaBackendProvider);
            }
        }
        assertTrue(found, "META-INF/services must register the cuda provider");
    }

    @Test
    void unavailableBackendAnswersNotSupportedWithItsReason() throws Exception {
        try (Backend b = new CudaBackendProvider().create()) {
            BackendInfo info = b.info();
            assertEquals("cuda", info.name());
            if (info.available()) return; // a GPU is here: CudaOracleAgreementTest covers it
            String reason = info.unavailable().orElseThrow();
            assertFalse(reason.isBlank());
            NotSupportedException e = assertThrows(NotSupportedException.class, () -> b.run(tinyDispatch()));
            assertEquals(reason, e.getMessage());
        }
    }

    @Test
    void withoutADriverTheReasonNamesTheLoaderOrTheMissingKernels() throws Exception {
        try (CudaBackend b = new CudaBackend()) {
            if (b.info().available()) return;
            String reason = b.info().unavailable().orElseThrow();
            // either the PTX was not built (no nvcc) or JCuda could not load libcuda / find a device
            assertTrue(reason.startsWith("no CUDA kernels in this build") || reason.equals("no GPU driver found (libcuda.so.1 not loadable)")
                    || reason.startsWith("no usable CUDA device"), reason);
            assertTrue(b.device().isEmpty());
        }
    }

    /** Profile maxtext (docs/spec.md J1-J4) is not claimed, with a GPU or without: its cases are NOT_SUPPORTED, never judged. */
    @Test
    void theMaxtextProfileIsNotClaimed() throws Exception {
        try (CudaBackend b = new CudaBackend()) {
            assertFalse(b.info().capabilities().profiles().contains(Profile.MAXTEXT.id()), b.info().capabilities().profiles().toString());
            assertTrue(b.info().capabilities().profiles().contains(Profile.TE_JAX.id()));
            Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 1}, 1f, 2f);
            Tensor ids = Tensor.i32(new long[] {2, 1}, 1, 0);
            Invocation mx = new Invocation(Op.DISPATCH, Profile.MAXTEXT, Map.of("inp", inp, "topk_ids", ids), Map.of("num_out_tokens", 2L, "num_experts", 2L));
            assertEquals("profile maxtext not implemented", b.info().capabilities().whyNot(mx));
        }
    }

    /**
     * Block scales (docs/spec.md F1-F4): claimed in the mask form (scatter_rows + fill_unhit move them), so a mask-form
     * quantized dispatch is inside the claims; the index form stays unclaimed, scales or not.
     */
    @Test
    void quantizedIsClaimedInTheMaskForm() throws Exception {
        try (CudaBackend b = new CudaBackend()) {
            assertTrue(b.info().capabilities().features().contains(org.permcheck.spi.Capabilities.Feature.QUANTIZED));
            Tensor inp = Tensor.zeros(DType.F8E4M3, 2, 40);
            Tensor map = Tensor.i32(new long[] {2, 2}, 0, 1, 1, 0);
            Tensor scales = Tensor.zeros(DType.U8, 2, 2);
            Invocation q = new Invocation(Op.DISPATCH, Profile.TE_JAX, Map.of("inp", inp, "routing_map", map, "scale_inv", scales),
                    Map.of("num_out_tokens", 2L, "scale_recipe", 2L));
            assertEquals(null, b.info().capabilities().whyNot(q));
            Invocation qi = new Invocation(Op.DISPATCH, Profile.TE_JAX, Map.of("inp", inp, "topk_ids", Tensor.i32(new long[] {2, 1}, 1, 0),
                    "scale_inv", scales), Map.of("num_out_tokens", 2L, "num_experts", 2L, "scale_recipe", 2L));
            assertEquals("index-form routing (topk_ids) not implemented", b.info().capabilities().whyNot(qi));
        }
    }

    /** R1's strictest level for every op it claims (docs/cuda.md "Determinism"); a GPU run checks the promise. */
    @Test
    void declaresBitExactForEveryClaimedOp() throws Exception {
        try (CudaBackend b = new CudaBackend()) {
            org.permcheck.spi.Capabilities c = b.info().capabilities();
            for (org.permcheck.contract.Op op : c.ops()) {
                assertEquals(org.permcheck.contract.Determinism.BIT_EXACT, c.determinismOf(op), op.wireName());
            }
            // an op it does not claim keeps the default, which is not bit-exact
            assertEquals(org.permcheck.contract.Determinism.defaultFor(org.permcheck.contract.Op.BLOCK_ALIGN),
                    c.determinismOf(org.permcheck.contract.Op.BLOCK_ALIGN));
        }
    }

    @Test
    void megatronOpsAreNotClaimedSoTheyAreNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements Megatron's permute / unpermute (docs/spec.md Q1-Q6): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 2}, 1f, 2f, 3f, 4f);
            Tensor map = Tensor.i32(new long[] {2, 2}, 0, 1, 0, 0);
            Invocation permute = new Invocation(Op.MEGATRON_PERMUTE, Profile.TE_JAX, Map.of("inp", inp, "routing_map", map), Map.of("num_out_tokens", 1L));
            assertEquals("op megatron_permute not implemented", b.info().capabilities().whyNot(permute));
            assertFalse(b.info().capabilities().ops().contains(Op.MEGATRON_UNPERMUTE));
            assertTrue(b.info().capabilities().ops().contains(Op.DISPATCH));
        }
    }

    @Test
    void blockAlignIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements vLLM / SGLang moe_align_block_size (docs/spec.md K1-K6): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor ids = Tensor.i32(new long[] {2, 1}, 1, 0);
            Invocation align = new Invocation(Op.BLOCK_ALIGN, Profile.TE_JAX, Map.of("topk_ids", ids), Map.of("block_size", 4L, "num_experts", 2L));
            assertEquals("op moe_align_block_size not implemented", b.info().capabilities().whyNot(align));
            assertFalse(b.info().capabilities().ops().contains(Op.BLOCK_ALIGN));
        }
    }

    @Test
    void teIndexPermuteIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements TE's index-map permute / unpermute (docs/spec.md T1-T5): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 4}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            Tensor ids = Tensor.i32(new long[] {2, 1}, 1, 0);
            Invocation permute = new Invocation(Op.TE_INDEX_PERMUTE, Profile.TE_JAX, Map.of("inp", inp, "indices", ids), Map.of("num_out_tokens", 0L));
            assertEquals("op te_index_permute not implemented", b.info().capabilities().whyNot(permute));
            assertFalse(b.info().capabilities().ops().contains(Op.TE_INDEX_PERMUTE));
            Invocation unpermute = new Invocation(Op.TE_INDEX_UNPERMUTE, Profile.TE_JAX, Map.of("inp", inp, "row_id_map", ids), Map.of("num_tokens", 2L, "top_k", 1L));
            assertEquals("op te_index_unpermute not implemented", b.info().capabilities().whyNot(unpermute));
            // not claimed: it keeps the default level, not the bit_exact the claimed ops declare
            assertEquals(org.permcheck.contract.Determinism.defaultFor(Op.TE_INDEX_PERMUTE), b.info().capabilities().determinismOf(Op.TE_INDEX_PERMUTE));
        }
    }

    @Test
    void torchaoPaddedPermuteIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements torchao's padded permute / torchtitan's unpermute (docs/spec.md W1-W6): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 4}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            Tensor counts = Tensor.i32(new long[] {2}, 1, 1);
            Invocation permute = new Invocation(Op.TORCHAO_PERMUTE_AND_PAD, Profile.TE_JAX, Map.of("inp", inp, "num_tokens_per_expert", counts),
                    Map.of("ep_degree", 1L, "num_local_experts", 2L, "alignment", 1L));
            assertEquals("op torchao_permute_and_pad not implemented", b.info().capabilities().whyNot(permute));
            assertFalse(b.info().capabilities().ops().contains(Op.TORCHAO_PERMUTE_AND_PAD));
            Invocation unpermute = new Invocation(Op.TORCHAO_UNPERMUTE, Profile.TE_JAX, Map.of("inp", inp, "permuted_indices", Tensor.i32(new long[] {2}, 1, 0)),
                    Map.of("num_tokens", 2L));
            assertEquals("op torchao_unpermute not implemented", b.info().capabilities().whyNot(unpermute));
            assertFalse(b.info().capabilities().ops().contains(Op.TORCHAO_UNPERMUTE));
            // not claimed: it keeps the default level, not the bit_exact the claimed ops declare
            assertEquals(org.permcheck.contract.Determinism.defaultFor(Op.TORCHAO_UNPERMUTE), b.info().capabilities().determinismOf(Op.TORCHAO_UNPERMUTE));
        }
    }

    @Test
    void deepEpLayoutIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements DeepEP's get_dispatch_layout (docs/spec.md L1-L3): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor ids = Tensor.ofInts(DType.I64, new long[] {2, 2}, 0, 3, -1, 1);
            Invocation layout = new Invocation(Op.DEEPEP_DISPATCH_LAYOUT, Profile.TE_JAX, Map.of("topk_idx", ids), Map.of("num_experts", 4L, "num_ranks", 2L));
            assertEquals("op deepep_dispatch_layout not implemented", b.info().capabilities().whyNot(layout));
            assertFalse(b.info().capabilities().ops().contains(Op.DEEPEP_DISPATCH_LAYOUT));
            assertEquals(org.permcheck.contract.Determinism.defaultFor(Op.DEEPEP_DISPATCH_LAYOUT), b.info().capabilities().determinismOf(Op.DEEPEP_DISPATCH_LAYOUT));
        }
    }

    @Test
    void padRoutingMapIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor map = Tensor.ofInts(DType.BOOL, new long[] {2, 2}, 1, 0, 0, 1);
            Invocation pad = new Invocation(Op.MEGATRON_PAD_ROUTING_MAP, Profile.TE_JAX, Map.of(org.permcheck.contract.Ports.ROUTING_MAP, map),
                    Map.of(org.permcheck.contract.Attrs.PAD_MULTIPLE, 2L));
            assertEquals("op megatron_pad_routing_map not implemented", b.info().capabilities().whyNot(pad));
            assertFalse(b.info().capabilities().ops().contains(Op.MEGATRON_PAD_ROUTING_MAP));
            // the op's default level: its map is ordered (every cell judged), GROUP_ORDER
            assertEquals(org.permcheck.contract.Determinism.GROUP_ORDER, org.permcheck.contract.Determinism.defaultFor(Op.MEGATRON_PAD_ROUTING_MAP));
            assertEquals(org.permcheck.contract.Determinism.defaultFor(Op.MEGATRON_PAD_ROUTING_MAP), b.info().capabilities().determinismOf(Op.MEGATRON_PAD_ROUTING_MAP));
        }
    }

    @Test
    void teEpOpsAreNotClaimedSoTheyAreNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements TE's world-view ep_dispatch / ep_combine (docs/spec.md Y1-Y4): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor ids = Tensor.ofInts(DType.I64, new long[] {2, 1}, 0, 1);
            Tensor tokens = Tensor.ofFloats(DType.F32, new long[] {2, 4}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            Tensor w = Tensor.ofFloats(DType.F32, new long[] {2, 1}, 1f, 1f);
            Map<String, Long> attrs = Map.of("num_ranks", 2L, "num_experts", 2L, "alignment", 0L, "recv_capacity", 1L);
            Invocation dispatch = new Invocation(Op.TE_EP_DISPATCH, Profile.TE_JAX, Map.of("tokens", tokens, "topk_idx", ids, "topk_weights", w), attrs);
            assertEquals("op te_ep_dispatch not implemented", b.info().capabilities().whyNot(dispatch));
            assertFalse(b.info().capabilities().ops().contains(Op.TE_EP_COMBINE));
            // the default level of an op without order inside its slabs is multiset (Y1)
            assertEquals(org.permcheck.contract.Determinism.MULTISET, b.info().capabilities().determinismOf(Op.TE_EP_DISPATCH));
        }
    }

    @Test
    void inferencePermuteIsNotClaimedSoItIsNotSupportedOnAnyMachine() throws Exception {
        // no kernel implements Megatron-Core's inference permute (docs/spec.md V1-V5): the claims say so, GPU or not
        try (CudaBackend b = new CudaBackend()) {
            Tensor inp = Tensor.ofFloats(DType.F32, new long[] {2, 4}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            Tensor ids = Tensor.i32(new long[] {2, 1}, 1, 0);
            Tensor probs = Tensor.ofFloats(DType.F32, new long[] {2, 1}, 0.5f, 0.5f);
            Invocation permute = new Invocation(Op.MCORE_INFERENCE_PERMUTE, Profile.TE_JAX, Map.of("inp", inp, "topk_ids", ids, "probs", probs),
                    Map.of("local_expert_start", 0L, "num_local_experts", 2L));
            assertEquals("op mcore_inference_permute not implemented", b.info().capabilities().whyNot(permute));
            assertFalse(b.info().capabilities().ops().contains(Op.MCORE_INFERENCE_PERMUTE));
            // not claimed: it keeps the default level (multiset, V3), not the bit_exact the claimed ops declare
            assertEquals(org.permcheck.contract.Determinism.MULTISET, b.info().capabilities().determinismOf(Op.MCORE_INFERENCE_PERMUTE));
            assertFalse(b.info().capabilities().ops().contains(Op.MCORE_INFERENCE_UNPERMUTE));
        }
    }

    @Test
    void secondBackendInTheSameProcessIsAlsoCleanlyUnavailable() throws Exception {
        // JCuda's static initializer fails once (UnsatisfiedLinkError), then NoClassDefFoundError:
        // both must become a reason, not an exception
        try (CudaBackend a = new CudaBackend(); CudaBackend b = new CudaBackend()) {
            assertEquals(a.info().available(), b.info().available());
        }
    }
}
