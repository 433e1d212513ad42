// permcheck CUDA backend: every kernel of the MoE token-permutation contract
// (docs/spec.md; upstream facts: docs/sources.md#te-1 to #te-10).
//
// Compiled ahead of time to PTX by nvcc (-arch=compute_80, so the driver JIT-compiles it on
// Ampere and Hopper) and loaded through the driver API (cuModuleLoadData). No NVRTC.
//
// Conventions:
//  * every row offset is 64-bit (rows * rowBytes can exceed 2^31);
//  * data-moving kernels move raw bits in units of UB bytes (16 when the row allows, else smaller),
//    so fp8, NaN payloads and -0.0 survive;
//  * reductions decode to f32, accumulate in f32 and round once, with the narrow-format
//    conversions written out bit by bit exactly as the oracle's FloatFormats does (so NaN
//    payloads round the same way, independent of the cvt instruction's NaN canonicalisation);
//  * combine accumulates in DESCENDING expert order (the row_id_map order); te-jax uses a separate
//    multiply and add (__fmul_rn/__fadd_rn, never contracted), torch-mask-pad a fused fmaf.
//  * nothing depends on atomics or scheduling order: every run gives the same bits.
#include <stdint.h>

typedef long long i64;
typedef unsigned long long u64;

#define DT_F32 0
#define DT_BF16 1
#define DT_F16 2

// ------------------------------------------------------------------------------------- formats

__device__ __forceinline__ float f16_to_f32(uint32_t bits) {
    uint32_t sign = (bits & 0x8000u) << 16;
    uint32_t exp = (bits >> 10) & 0x1Fu;
    uint32_t man = bits & 0x3FFu;
    if (exp == 0x1Fu) return __uint_as_float(sign | 0x7F800000u | (man << 13));
    if (exp == 0) {
        if (man == 0) return __uint_as_float(sign);
        float v = __fmul_rn((float) man, 5.9604644775390625e-8f); // man * 2^-24, exact
        return sign ? -v : v;
    }
    return __uint_as_float(sign | ((exp - 15u + 127u) << 23) | (man << 13));
}

__device__ __forceinline__ uint32_t f32_to_f16(float f) {
    uint32_t x = __float_as_uint(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    int exp = (int) ((x >> 23) & 0xFFu);
    uint32_t man = x & 0x7FFFFFu;
    if (exp == 0xFF) {
        if (man == 0) return sign | 0x7C00u;
        return sign | 0x7E00u | (man >> 13);
    }
    int e = exp - 127 + 15;
    if (e >= 0x1F) return sign | 0x7C00u;
    if (e <= 0) {
        if (e < -10) return sign;
        uint32_t full = man | 0x800000u;
        int shift = 14 - e;
        uint32_t q = full >> shift;
        uint32_t rem = full & ((1u << shift) - 1u);
        uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1u))) q++;
        return sign | q;
    }
    uint32_t q = ((uint32_t) e << 10) | (man >> 13);
    uint32_t rem = man & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (q & 1u))) q++;
    return sign | q;
}

__device__ __forceinline__ float bf16_to_f32(uint32_t bits) { return __uint_as_float((bits & 0xFFFFu) << 16); }

__device__ __forceinline__ uint32_t f32_to_bf16(float f) {
    uint32_t x = __float_as_uint(f);
    if ((x & 0x7F800000u) == 0x7F800000u && (x & 0x007FFFFFu) != 0) return ((x >> 16) | 0x40u) & 0xFFFFu;
    uint32_t lsb = (x >> 16) & 1u;
    return ((x + 0x7FFFu + lsb) >> 16) & 0xFFFFu;
}

// g * p where a NaN operand propagates its payload (quieted), p's first when both are NaN:
// IEEE 754-2019 6.2.3 recommends propagating an input NaN and the oracle (Java on x86, where the
// JIT puts p first) does so, while the GPU's mul.f32 returns a canonical NaN. Used where the
// product is a DATA output compared bit for bit (G3).
__device__ __forceinline__ float mul_propagating(float g, float p) {
    if (p != p) return __uint_as_float(__float_as_uint(p) | 0x400000u);
    if (g != g) return __uint_as_float(__float_as_uint(g) | 0x400000u);
    return __fmul_rn(g, p);
}

template <int DT> __device__ __forceinline__ float decode(uint32_t bits) {
    if (DT == DT_F32) return __uint_as_float(bits);
    if (DT == DT_BF16) return bf16_to_f32(bits);
    return f16_to_f32(bits);
}

template <int DT> __device__ __forceinline__ uint32_t encode(float v) {
    if (DT == DT_F32) return __float_as_uint(v);
    if (DT == DT_BF16) return f32_to_bf16(v);
    return f32_to_f16(v);
}

// run-time dtype (probs, merging probs: small, read once per (token, expert))
__device__ __forceinline__ float load_float(const void* p, int dt, i64 i) {
    if (dt == DT_F32) return ((const float*) p)[i];
    uint32_t b = ((const uint16_t*) p)[i];
    return dt == DT_BF16 ? bf16_to_f32(b) : f16_to_f32(b);
}

__device__ __forceinline__ void store_float(void* p, int dt, i64 i, float v) {
    if (dt == DT_F32) ((float*) p)[i] = v;
    else ((uint16_t*) p)[i] = (uint16_t) (dt == DT_BF16 ? f32_to_bf16(v) : f32_to_f16(v));
}

__device__ __forceinline__ uint32_t load_bits(const void* p, int size, i64 i) {
    return size == 4 ? ((const uint32_t*) p)[i] : (uint32_t) ((const uint16_t*) p)[i];
}

__device__ __forceinline__ void store_bits(void* p, int size, i64 i, uint32_t b) {
    if (size == 4) ((uint32_t*) p)[i] = b;
    else ((uint16_t*) p)[i] = (uint16_t) b;
}

__device__ __forceinline__ i64 load_index(const void* p, int size, i64 i) {
    return size == 8 ? ((const i64*) p)[i] : (i64) ((const int*) p)[i];
}

__device__ __forceinline__ void store_index(void* p, int size, i64 i, i64 v) {
    if (size == 8) ((i64*) p)[i] = v;
    else ((int*) p)[i] = (int) v;
}

// ------------------------------------------------------------------------------- raw units

template <int B> struct Unit;
template <> struct Unit<16> { typedef uint4 T; };
template <> struct Unit<8> { typedef uint2 T; };
template <> struct Unit<4> { typedef uint32_t T; };
template <> struct Unit<2> { typedef uint16_t T; };
template <> struct Unit<1> { typedef uint8_t T; };

template <int B> __device__ __forceinline__ typename Unit<B>::T zero_unit() {
    typename Unit<B>::T z;
    memset(&z, 0, sizeof(z));
    return z;
}

// B bytes seen as 16-bit halves or 32-bit words
template <int B> union Pack {
    typename Unit<B>::T u;
    uint16_t h[B / 2 > 0 ? B / 2 : 1];
    uint32_t w[B / 4 > 0 ? B / 4 : 1];
};

template <int DT, int B> struct Elems {
    static const int N = DT == DT_F32 ? B / 4 : B / 2;
};

template <int DT, int B> __device__ __forceinline__ float elem(const Pack<B>& p, int k) {
    return DT == DT_F32 ? __uint_as_float(p.w[k]) : decode<DT>(p.h[k]);
}

template <int DT, int B> __device__ __forceinline__ void set_elem(Pack<B>& p, int k, float v) {
    if (DT == DT_F32) p.w[k] = __float_as_uint(v);
    else p.h[k] = (uint16_t) encode<DT>(v);
}

// =============================================================================== row_id_map
// Pass 1: per block of 32*G tokens and per expert, the 32-token routing bitmasks, the exclusive
// prefix of routed tokens inside the block (per 32-token chunk) and the block's count.
// Two thread mappings, chosen by E (the host launches 32*G threads for E <= 32, G*E otherwise):
//  * E <= 32: warp w owns chunk w, lane i reads token tb + i's row, one ballot per expert gives the
//    chunk's mask: E independent loads per thread (H200, E = 8, T = 16384: 9.0 -> 6.9 us, docs/cuda.md v6);
//  * E > 32: thread (g, e) reads R[t, e] for the 32 tokens of chunk g: consecutive threads read
//    consecutive experts of one routing-map row, so loads are coalesced (the ballot mapping would
//    serialise E ballots per warp: 12.7 -> 28 us at E = 256).
// Both give the same masks bit for bit.
__device__ __forceinline__ bool routed(const void* rmap, int rmBytes, i64 k) {
    return rmBytes == 1 ? ((const uint8_t*) rmap)[k] != 0
         : rmBytes == 4 ? ((const int*) rmap)[k] != 0 : ((const i64*) rmap)[k] != 0;
}

extern "C" __global__ void rowmap_count(const void* rmap, int rmBytes, i64 T, int E, int G,
                                        unsigned* masks, int* chunkPrefix, int* blockCounts) {
    extern __shared__ int s_pop[]; // [G][E]
    const i64 blk = blockIdx.x;
    const i64 t0 = blk * 32 * G;
    if (E <= 32) {
        const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, nw = blockDim.x >> 5;
        for (int g = warp; g < G; g += nw) {
            const i64 t = t0 + 32 * g + lane;
            unsigned mine = 0; // lane e keeps the mask of expert e
            for (int e = 0; e < E; e++) {
                unsigned m = __ballot_sync(0xffffffffu, t < T && routed(rmap, rmBytes, t * E + e));
                if (lane == e) mine = m;
            }
            if (lane < E) {
                masks[(blk * G + g) * E + lane] = mine;
                s_pop[g * E + lane] = __popc(mine);
            }
        }
    } else {
        for (int idx = threadIdx.x; idx < G * E; idx += blockDim.x) {
            int g = idx / E, e = idx - (idx / E) * E;
            i64 tb = t0 + 32 * g;
            unsigned m = 0;
#pragma unroll 8
            for (int i = 0; i < 32; i++) {
                i64 t = tb + i;
                if (t < T && routed(rmap, rmBytes, t * E + e)) m |= 1u << i;
            }
            masks[(blk * G + g) * E + e] = m;
            s_pop[g * E + e] = __popc(m);
        }
    }
    __syncthreads();
    for (int e = threadIdx.x; e < E; e += blockDim.x) {
        int run = 0;
        for (int g = 0; g < G; g++) {
            i64 c = blk * G + g;
            chunkPrefix[c * E + e] = run;
            run += s_pop[g * E + e];
        }
        blockCounts[blk * E + e] = run;
    }
}

// Pass 2 (one block of 1024 threads): per-expert exclusive scan of the block counts, the counts,
// the aligned counts, pad_offsets and each expert's first row. meta (i64) layout:
//   [0,E) count  [E,2E) target  [2E,3E) pad_offsets  [3E,4E) first row of the expert
//   [4E] N_used = sum count   [4E+1] sum target
// tokens_per_expert (and pad_offsets when padOut != 0) are written in the profile's index dtype.
extern "C" __global__ void rowmap_scan(const int* blockCounts, i64 nTB, int E, i64 align, int* blockOff, i64* meta,
                                       void* tpeOut, void* padOut, int idxSize) {
    __shared__ i64 sA[1024];
    __shared__ i64 sB[1024];
    __shared__ i64 carry[2];
    int tid = threadIdx.x, bd = blockDim.x;
    if (E >= bd) {
        for (int e = tid; e < E; e += bd) {
            i64 run = 0;
            for (i64 b = 0; b < nTB; b++) {
                int c = blockCounts[b * E + e];
                blockOff[b * E + e] = (int) run;
                run += c;
            }
            meta[e] = run;
        }
    } else {
        int S = bd / E;
        i64 segLen = (nTB + S - 1) / S;
        int s = tid / E, e = tid - (tid / E) * E;
        i64 b0 = s * segLen, b1 = min(nTB, b0 + segLen);
        if (tid < S * E) {
            i64 sum = 0;
            for (i64 b = b0; b < b1; b++) sum += blockCounts[b * E + e];
            sA[s * E + e] = sum;
        }
        __syncthreads();
        if (tid < E) {
            i64 run = 0;
            for (int q = 0; q < S; q++) {
                i64 v = sA[q * E + tid];
                sA[q * E + tid] = run;
                run += v;
            }
            meta[tid] = run;
        }
        __syncthreads();
        if (tid < S * E) {
            i64 run = sA[s * E + e];
            for (i64 b = b0; b < b1; b++) {
                int c = blockCounts[b * E + e];
                blockOff[b * E + e] = (int) run;
                run += c;
            }
        }
    }
    __syncthreads();
    if (tid == 0) { carry[0] = 0; carry[1] = 0; }
    __syncthreads();
    for (int base = 0; base < E; base += bd) {
        int e = base + tid;
        i64 cnt = e < E ? meta[e] : 0;
        i64 tgt = align > 0 ? ((cnt + align - 1) / align) * align : cnt; // N1/P1: 0 stays 0
        i64 pl = tgt - cnt;
        sA[tid] = tgt;
        sB[tid] = pl;
        __syncthreads();
        for (int off = 1; off < bd; off <<= 1) {
            i64 a = tid >= off ? sA[tid - off] : 0;
            i64 b = tid >= off ? sB[tid - off] : 0;
            __syncthreads();
            sA[tid] += a;
            sB[tid] += b;
            __syncthreads();
        }
        if (e < E) {
            i64 start = carry[0] + sA[tid] - tgt;
            i64 poff = carry[1] + sB[tid] - pl;
            meta[E + e] = tgt;
            meta[2 * E + e] = poff;
            meta[3 * E + e] = start;
            store_index(tpeOut, idxSize, e, tgt);
            if (padOut) store_index(padOut, idxSize, e, poff);
        }
        __syncthreads();
        if (tid == bd - 1) { carry[0] += sA[tid]; carry[1] += sB[tid]; }
        __syncthreads();
    }
    if (tid == 0) {
        meta[4 * E] = carry[0] - carry[1];
        meta[4 * E + 1] = carry[0];
    }
}

// ============================================================================ dispatch permute
// One CTA per token: builds the token's row_id_map row (destinations in descending expert order,
// then expert ids, then n), writes permuted_probs, and copies the token's row to its n
// destinations, reading it once. A routed entry whose prob is +0.0 or -0.0 gets a zero row (D-rule
// "prob == 0 => zero row", D3, docs/sources.md#te-3-1).
template <int B>
__device__ void dispatch_permute_impl(const void* rmap, int rmBytes, i64 T, int E, int G, const unsigned* masks,
                                      const int* chunkPrefix, const int* blockOff, const i64* meta, const char* inp,
                                      i64 rowBytes, char* out, i64 outRows, const void* probs, int probsSize,
                                      void* pprobs, int* rowIdMap) {
    extern __shared__ unsigned char smem[];
    i64* s_dst = (i64*) smem;                  // [E]
    int* s_e = (int*) (s_dst + E);             // [E]
    uint32_t* s_p = (uint32_t*) (s_e + E);     // [E]
    __shared__ int s_wc[32];
    __shared__ int s_above;
    const i64 t = blockIdx.x;
    const int tid = threadIdx.x, nt = blockDim.x, warp = tid >> 5, lane = tid & 31, nw = nt >> 5;
    typedef typename Unit<B>::T U;
    const i64 nv = rowBytes / B;
    const U* src = (const U*) (inp + t * rowBytes);
    const U z = zero_unit<B>();
    // the token's first vectors do not depend on the row map: start loading them now, so their
    // latency overlaps the prologue below
    const U pre0 = tid < nv ? src[tid] : z;
    const U pre1 = tid + nt < nv ? src[tid + nt] : z;
    if (tid == 0) s_above = 0;
    const i64 blk = t / (32 * G);
    const i64 c = t >> 5;
    const unsigned lt = (1u << (t & 31)) - 1u;
    const int nChunks = (E + nt - 1) / nt;
    __syncthreads();
    for (int ch = nChunks - 1; ch >= 0; ch--) {
        int e = ch * nt + tid;
        bool r = false;
        if (e < E) {
            i64 k = t * E + e;
            r = rmBytes == 1 ? ((const uint8_t*) rmap)[k] != 0
              : rmBytes == 4 ? ((const int*) rmap)[k] != 0 : ((const i64*) rmap)[k] != 0;
        }
        unsigned bal = __ballot_sync(0xffffffffu, r);
        if (lane == 0) s_wc[warp] = __popc(bal);
        __syncthreads();
        if (r) {
            int idx = s_above;
            for (int w = warp + 1; w < nw; w++) idx += s_wc[w];
            idx += __popc(bal & ~((2u << lane) - 1u));
            i64 dst = meta[3 * E + e] + blockOff[blk * E + e] + chunkPrefix[c * E + e] + __popc(masks[c * E + e] & lt);
            s_dst[idx] = dst;
            s_e[idx] = e;
            s_p[idx] = probsSize ? load_bits(probs, probsSize, t * E + e) : 0x3F800000u;
        }
        __syncthreads();
        if (tid == 0) {
            int tot = 0;
            for (int w = 0; w < nw; w++) tot += s_wc[w];
            s_above += tot;
        }
        __syncthreads();
    }
    const int n = s_above;
    int* rm = rowIdMap + t * (2 * E + 1);
    // only the valid slots (M2-M4); [n, E) and [E+n, 2E) are unspecified (M5) and left alone,
    // which saves 8E bytes of writes per token
    for (int j = tid; j < n; j += nt) {
        rm[j] = (int) (s_dst[j] - meta[2 * E + s_e[j]]); // M2: the UNPADDED destination
        rm[E + j] = s_e[j];
    }
    if (tid == 0) rm[2 * E] = n;
    if (probsSize) {
        uint32_t absMask = probsSize == 4 ? 0x7FFFFFFFu : 0x7FFFu;
        for (int j = tid; j < n; j += nt) {
            if (s_dst[j] < outRows) store_bits(pprobs, probsSize, s_dst[j], s_p[j]);
        }
        // mark zero-prob slots: the row becomes zeros
        __syncthreads();
        for (int j = tid; j < n; j += nt) s_p[j] = (s_p[j] & absMask) == 0 ? 1u : 0u;
    } else {
        for (int j = tid; j < n; j += nt) s_p[j] = 0u;
    }
    __syncthreads();
    for (i64 v = tid; v < nv; v += 2 * nt) {
        i64 v2 = v + nt;
        const bool first = v == tid;
        U x0 = first ? pre0 : src[v];
        U x1 = first ? pre1 : (v2 < nv ? src[v2] : z);
        for (int j = 0; j < n; j++) {
            i64 d = s_dst[j];
            if (d < 0 || d >= outRows) continue;
            bool zr = s_p[j] != 0;
            U* o = (U*) (out + d * rowBytes);
            o[v] = zr ? z : x0;
            if (v2 < nv) o[v2] = zr ? z : x1;
        }
    }
}

// Padding rows (P-rules): every row of the output buffer that no (token, expert) targets is zero,
// and so is permuted_probs there. Pad row p in [0, outRows - N_used): the first sum(pad_len) of
// them belong to experts (found by a binary search over pad_offsets), the rest is the tail after
// sum(target). One warp per row, grid-stride.
template <int B>
__device__ void dispatch_pad_fill_impl(const i64* meta, int E, char* out, i64 rowBytes, i64 outRows, void* pprobs,
                                       int probsSize) {
    typedef typename Unit<B>::T U;
    const i64 nUsed = meta[4 * E], sumT = meta[4 * E + 1];
    const i64 nPad = outRows - nUsed, sumPad = sumT - nUsed;
    const int lane = threadIdx.x & 31;
    const i64 gw = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const i64 nwarps = ((i64) gridDim.x * blockDim.x) >> 5;
    const i64 nv = rowBytes / B;
    const U z = zero_unit<B>();
    for (i64 p = gw; p < nPad; p += nwarps) {
        i64 row;
        if (p < sumPad) {
            int lo = 0, hi = E - 1; // last e with pad_offsets[e] <= p
            while (lo < hi) {
                int mid = (lo + hi + 1) >> 1;
                if (meta[2 * E + mid] <= p) lo = mid; else hi = mid - 1;
            }
            row = meta[3 * E + lo] + meta[lo] + (p - meta[2 * E + lo]);
        } else {
            row = sumT + (p - sumPad);
        }
        if (row < 0 || row >= outRows) continue;
        U* o = (U*) (out + row * rowBytes);
        for (i64 v = lane; v < nv; v += 32) o[v] = z;
        if (probsSize && lane == 0) store_bits(pprobs, probsSize, row, 0u);
    }
}

// ====================================================================== gather-sum (combine)
// One CTA per token: out[t] = sum over the token's routed experts, in row_id_map order (descending
// expert id), of f32(inp[row]) * f32(merging_probs[t,e]) (or f32(inp[row]) without merging
// probs), accumulated in f32 and rounded once (C-rules). fmaOn selects the fused multiply-add
// (torch-mask-pad); otherwise __fmul_rn/__fadd_rn keep the multiply and the add separate (te-jax).
// The same kernel is the dispatch backward (G-rules): no weights, plus grad_probs[t, e] =
// grad_permuted_probs[row] for routed e and 0 elsewhere.
// One row's contribution to a combine sum (C1, C2): unweighted, fused (fma) or the separate multiply-add,
// each rounding explicit so the chain is the same in every caller
template <int DT, int B>
__device__ __forceinline__ void add_row(float* acc, const Pack<B>& x, float w, bool weighted, int fmaOn) {
#pragma unroll
    for (int k = 0; k < Elems<DT, B>::N; k++) {
        float xv = elem<DT, B>(x, k);
        if (!weighted) acc[k] = __fadd_rn(acc[k], xv);
        else if (fmaOn) acc[k] = __fmaf_rn(xv, w, acc[k]);
        else acc[k] = __fadd_rn(acc[k], __fmul_rn(xv, w));
    }
}

template <int DT, int B>
__device__ void gather_sum_impl(const char* inp, i64 inRows, i64 rowBytes, const int* rowIdMap, int E,
                                const void* mprobs, int mpDT, const void* padOff, int padSize, int fmaOn, char* out,
                                const void* gpp, int gppSize, void* gprobs) {
    extern __shared__ unsigned char smem[];
    i64* s_src = (i64*) smem;                // [E]
    float* s_w = (float*) (s_src + E);       // [E]
    const i64 t = blockIdx.x;
    const int tid = threadIdx.x, nt = blockDim.x;
    const int* rm = rowIdMap + t * (2 * E + 1);
    // the slots and n are loaded together (one dependent step less per token): C4 still holds,
    // slots at j >= n are loaded but never used
    int n = rm[2 * E];
    const int spec = E < 32 ? E : 32; // first warp: slots loaded beside n (top-k <= 32 is typical)
    for (int j = tid; j < spec; j += nt) {
        i64 row = rm[j];
        int e = rm[E + j];
        if (j < n) {
            if (padSize) row += load_index(padOff, padSize, e);
            s_src[j] = (row >= 0 && row < inRows) ? row : -1;
            s_w[j] = mprobs ? load_float(mprobs, mpDT, t * E + e) : 1.0f;
        }
    }
    n = n < 0 ? 0 : (n > E ? E : n);
    for (int j = spec + tid; j < n; j += nt) {
        i64 row = rm[j];
        int e = rm[E + j];
        if (padSize) row += load_index(padOff, padSize, e);
        s_src[j] = (row >= 0 && row < inRows) ? row : -1;
        s_w[j] = mprobs ? load_float(mprobs, mpDT, t * E + e) : 1.0f;
    }
    if (gprobs) {
        for (int e = tid; e < E; e += nt) store_bits(gprobs, gppSize, t * E + e, 0u);
    }
    __syncthreads();
    if (gprobs) {
        for (int j = tid; j < n; j += nt) {
            if (s_src[j] >= 0) store_bits(gprobs, gppSize, t * E + rm[E + j], load_bits(gpp, gppSize, s_src[j]));
        }
    }
    typedef typename Unit<B>::T U;
    const int NE = Elems<DT, B>::N;
    const i64 nv = rowBytes / B;
    const bool weighted = mprobs != 0;
    // top-1/top-2 (Mixtral): one unit per iteration would keep only n loads in flight per thread, so
    // four units go together (4n <= 8 loads); the sum of each element is the same j-ascending chain,
    // bit for bit (C2), only more rows are in flight
    if (n <= 2) {
        for (i64 v0 = tid; v0 < nv; v0 += 4 * (i64) nt) {
            Pack<B> x[4][2];
#pragma unroll
            for (int u = 0; u < 4; u++) {
                i64 v = v0 + (i64) u * nt;
#pragma unroll
                for (int j = 0; j < 2; j++)
                    if (v < nv && j < n && s_src[j] >= 0) x[u][j].u = ((const U*) (inp + s_src[j] * rowBytes))[v];
            }
#pragma unroll
            for (int u = 0; u < 4; u++) {
                i64 v = v0 + (i64) u * nt;
                if (v >= nv) break;
                float acc[NE];
#pragma unroll
                for (int k = 0; k < NE; k++) acc[k] = 0.0f;
#pragma unroll
                for (int j = 0; j < 2; j++)
                    if (j < n && s_src[j] >= 0) add_row<DT, B>(acc, x[u][j], s_w[j], weighted, fmaOn);
                Pack<B> o;
#pragma unroll
                for (int k = 0; k < NE; k++) set_elem<DT, B>(o, k, acc[k]);
                ((U*) (out + t * rowBytes))[v] = o.u;
            }
        }
        return;
    }
    for (i64 v = tid; v < nv; v += nt) {
        float acc[NE];
#pragma unroll
        for (int k = 0; k < NE; k++) acc[k] = 0.0f;
        for (int j0 = 0; j0 < n; j0 += 8) {
            Pack<B> x[8];
#pragma unroll
            for (int jj = 0; jj < 8; jj++) {
                int j = j0 + jj;
                if (j < n && s_src[j] >= 0) x[jj].u = ((const U*) (inp + s_src[j] * rowBytes))[v];
            }
#pragma unroll
            for (int jj = 0; jj < 8; jj++) {
                int j = j0 + jj;
                if (j < n && s_src[j] >= 0) add_row<DT, B>(acc, x[jj], s_w[j], weighted, fmaOn);
            }
        }
        Pack<B> o;
#pragma unroll
        for (int k = 0; k < NE; k++) set_elem<DT, B>(o, k, acc[k]);
        ((U*) (out + t * rowBytes))[v] = o.u;
    }
}

// ================================================================ combine backward (weighted)
// One CTA per token: grad_inp[row(t,e)] = round(f32(g[t]) * f32(p[t,e])) (G-rules), and
// grad_merging_probs[t,e] = round(sum_h f32(fwd_input[row,h]) * f32(g[t,h])), 0 for experts the
// token does not route to. The sum is a fixed-shape tree (per-thread partials, warp butterflies,
// warps in order), so it is deterministic. Rows hit are flagged for the unhit-row fill.
template <int DT, int B>
__device__ void combine_bwd_impl(const char* g, i64 rowBytes, const int* rowIdMap, int E, const char* fwdIn,
                                 i64 fwdRows, const void* mprobs, int mpDT, const void* padOff, int padSize,
                                 char* gradIn, unsigned char* hit, void* gradMp) {
    extern __shared__ unsigned char smem[];
    i64* s_src = (i64*) smem;              // [E]
    float* s_w = (float*) (s_src + E);     // [E]
    int* s_e = (int*) (s_w + E);           // [E]
    __shared__ float s_red[32][8];
    const i64 t = blockIdx.x;
    const int tid = threadIdx.x, nt = blockDim.x, lane = tid & 31, warp = tid >> 5, nw = nt >> 5;
    const int* rm = rowIdMap + t * (2 * E + 1);
    int n = rm[2 * E];
    n = n < 0 ? 0 : (n > E ? E : n);
    for (int j = tid; j < n; j += nt) {
        i64 row = rm[j];
        int e = rm[E + j];
        if (padSize) row += load_index(padOff, padSize, e);
        bool ok = row >= 0 && row < fwdRows;
        s_src[j] = ok ? row : -1;
        s_e[j] = e;
        s_w[j] = load_float(mprobs, mpDT, t * E + e);
        if (ok) hit[row] = 1;
    }
    for (int e = tid; e < E; e += nt) store_float(gradMp, mpDT, t * E + e, 0.0f);
    __syncthreads();
    typedef typename Unit<B>::T U;
    const int NE = Elems<DT, B>::N;
    const i64 nv = rowBytes / B;
    const U* gr = (const U*) (g + t * rowBytes);
    for (int j0 = 0; j0 < n; j0 += 8) {
        float part[8];
#pragma unroll
        for (int jj = 0; jj < 8; jj++) part[jj] = 0.0f;
        for (i64 v = tid; v < nv; v += nt) {
            Pack<B> gp;
            gp.u = gr[v];
            Pack<B> x[8];
#pragma unroll
            for (int jj = 0; jj < 8; jj++) {
                int j = j0 + jj;
                if (j < n && s_src[j] >= 0) x[jj].u = ((const U*) (fwdIn + s_src[j] * rowBytes))[v];
            }
#pragma unroll
            for (int jj = 0; jj < 8; jj++) {
                int j = j0 + jj;
                if (j < n && s_src[j] >= 0) {
                    Pack<B> o;
                    float w = s_w[j];
#pragma unroll
                    for (int k = 0; k < NE; k++) {
                        float gv = elem<DT, B>(gp, k);
                        set_elem<DT, B>(o, k, mul_propagating(gv, w));
                        part[jj] = __fadd_rn(part[jj], __fmul_rn(elem<DT, B>(x[jj], k), gv));
                    }
                    ((U*) (gradIn + s_src[j] * rowBytes))[v] = o.u;
                }
            }
        }
#pragma unroll
        for (int jj = 0; jj < 8; jj++) {
            float s = part[jj];
            for (int off = 16; off > 0; off >>= 1) s = __fadd_rn(s, __shfl_xor_sync(0xffffffffu, s, off));
            if (lane == 0) s_red[warp][jj] = s;
        }
        __syncthreads();
        if (tid < 8 && j0 + tid < n) {
            float s = 0.0f;
            for (int w = 0; w < nw; w++) s = __fadd_rn(s, s_red[w][tid]);
            store_float(gradMp, mpDT, t * E + s_e[j0 + tid], s);
        }
        __syncthreads();
    }
}

// ========================================================================= scatter (copies)
// One CTA per token: dst rows of the token (row_id_map + pad_offsets) get the token's row of g,
// read once (combine backward without merging probs: a pure copy, any dtype). Rows hit are flagged.
template <int B>
__device__ void scatter_rows_impl(const char* g, i64 rowBytes, const int* rowIdMap, int E, i64 outRows,
                                  const void* padOff, int padSize, char* out, unsigned char* hit) {
    extern __shared__ unsigned char smem[];
    i64* s_dst = (i64*) smem; // [E]
    const i64 t = blockIdx.x;
    const int tid = threadIdx.x, nt = blockDim.x;
    const int* rm = rowIdMap + t * (2 * E + 1);
    int n = rm[2 * E];
    n = n < 0 ? 0 : (n > E ? E : n);
    for (int j = tid; j < n; j += nt) {
        i64 row = rm[j];
        if (padSize) row += load_index(padOff, padSize, rm[E + j]);
        bool ok = row >= 0 && row < outRows;
        s_dst[j] = ok ? row : -1;
        if (ok) hit[row] = 1;
    }
    __syncthreads();
    typedef typename Unit<B>::T U;
    const i64 nv = rowBytes / B;
    const U* src = (const U*) (g + t * rowBytes);
    for (i64 v = tid; v < nv; v += nt) {
        U x = src[v];
        for (int j = 0; j < n; j++) {
            if (s_dst[j] >= 0) ((U*) (out + s_dst[j] * rowBytes))[v] = x;
        }
    }
}

// Rows no token targets are zero (one warp per row, grid-stride).
template <int B>
__device__ void fill_unhit_impl(char* out, i64 rows, i64 rowBytes, const unsigned char* hit) {
    typedef typename Unit<B>::T U;
    const int lane = threadIdx.x & 31;
    const i64 gw = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const i64 nwarps = ((i64) gridDim.x * blockDim.x) >> 5;
    const i64 nv = rowBytes / B;
    const U z = zero_unit<B>();
    for (i64 r = gw; r < rows; r += nwarps) {
        if (hit[r]) continue;
        U* o = (U*) (out + r * rowBytes);
        for (i64 v = lane; v < nv; v += 32) o[v] = z;
    }
}

// ================================================================================ chunk sort
// Prepares the chunk sort (S-rules), one thread: in_start = exclusive cumsum(split), incl =
// inclusive cumsum, out_start[j] = sum of split[sorted[q]] for q before the first position p with
// sorted[p] == j (0 when j is absent, as TE's argmax does). Splits and indices are i64.
extern "C" __global__ void chunk_prep(const i64* split, const i64* sorted, int S, i64* inStart, i64* incl,
                                      i64* outStart) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    i64 run = 0;
    for (int j = 0; j < S; j++) {
        inStart[j] = run;
        run += split[j];
        incl[j] = run;
        outStart[j] = -1;
    }
    for (int p = 0; p < S; p++) {
        i64 j = sorted[p];
        if (j >= 0 && j < S && outStart[j] < 0) outStart[j] = p;
    }
    // positions -> starts: prefix over the sorted order
    i64 pre = 0;
    for (int p = 0; p < S; p++) {
        i64 j = sorted[p];
        if (j >= 0 && j < S && outStart[j] == p) outStart[j] = -2 - pre; // mark as resolved, keep sign
        i64 sz = (j >= 0 && j < S) ? split[j] : 0;
        pre += sz;
    }
    for (int j = 0; j < S; j++) outStart[j] = outStart[j] <= -2 ? -2 - outStart[j] : 0;
}

// map[i] = destination of input row i; rows beyond sum(split) map to themselves (S-rules).
extern "C" __global__ void chunk_map(const i64* incl, const i64* inStart, const i64* outStart, int S, i64 N, int* map) {
    i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= N) return;
    i64 total = S > 0 ? incl[S - 1] : 0;
    if (i >= total) { map[i] = (int) i; return; }
    int lo = 0, hi = S; // first c with incl[c] > i
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (incl[mid] <= i) lo = mid + 1; else hi = mid;
    }
    map[i] = (int) (outStart[lo] + (i - inStart[lo]));
}

// forward: out[map[i]] = in[i]; backward: out[i] = in[map[i]]. Probs likewise (one per row).
template <int B>
__device__ void sort_rows_impl(const char* in, i64 N, i64 rowBytes, const int* map, int forward, char* out,
                               const void* probs, int probsSize, void* pprobs) {
    typedef typename Unit<B>::T U;
    const i64 i = blockIdx.x;
    i64 m = map[i];
    if (m < 0 || m >= N) return;
    i64 srcRow = forward ? i : m, dstRow = forward ? m : i;
    const i64 nv = rowBytes / B;
    const U* s = (const U*) (in + srcRow * rowBytes);
    U* d = (U*) (out + dstRow * rowBytes);
    for (i64 v = threadIdx.x; v < nv; v += blockDim.x) d[v] = s[v];
    if (probsSize && threadIdx.x == 0) store_bits(pprobs, probsSize, dstRow, load_bits(probs, probsSize, srcRow));
}

// ===================================================================== expert-parallel helpers
// A-rules. M = all_shards_tokens_per_expert [S, E] (i64 here), L = E / S,
// send_to(src, dst) = sum_l M[src, dst*L + l]. out = [input_offsets | send_sizes | output_offsets | recv_sizes].
__device__ i64 send_to(const i64* M, int E, int L, int src, int dst) {
    i64 s = 0;
    for (int l = 0; l < L; l++) s += M[(i64) src * E + (i64) dst * L + l];
    return s;
}

extern "C" __global__ void ragged_params(const i64* M, int S, int E, int shard, int reverse, i64* out) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    int L = E / S;
    i64* inOff = out;
    i64* send = out + S;
    i64* outOff = out + 2 * S;
    i64* recv = out + 3 * S;
    i64 run = 0;
    for (int i = 0; i < S; i++) {
        send[i] = reverse ? send_to(M, E, L, i, shard) : send_to(M, E, L, shard, i);
        recv[i] = reverse ? send_to(M, E, L, shard, i) : send_to(M, E, L, i, shard);
        inOff[i] = run;
        run += send[i];
        i64 o = 0;
        for (int src = 0; src < shard; src++) o += reverse ? send_to(M, E, L, i, src) : send_to(M, E, L, src, i);
        outOff[i] = o;
    }
}

// local_permute_after_a2a parameters: split[src*L+l] = M[src, shard*L+l]; sorted[l*S+src] = src*L+l;
// group[l] = sum_src split; sortedSplit[k] = split[sorted[k]]; inverse = argsort(sorted).
extern "C" __global__ void local_a2a_params(const i64* M, int S, int E, int shard, i64* split, i64* sorted,
                                            i64* group, i64* sortedSplit, i64* inverse) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    int L = E / S;
    for (int src = 0; src < S; src++)
        for (int l = 0; l < L; l++) split[src * L + l] = M[(i64) src * E + (i64) shard * L + l];
    for (int l = 0; l < L; l++) {
        i64 g = 0;
        for (int src = 0; src < S; src++) {
            int k = l * S + src;
            sorted[k] = src * L + l;
            g += split[src * L + l];
        }
        group[l] = g;
    }
    for (int k = 0; k < S * L; k++) {
        sortedSplit[k] = split[sorted[k]];
        inverse[sorted[k]] = k;
    }
}

// ============================================================== benchmark floors (issue 16, bench only)
// What the same bytes cost with no index work: contiguous rows, 16-byte units, one CTA per token
// (docs/cuda.md "Floors"). CudaBench times them beside the ops; no op calls them.
// dispatch: read T rows, write each to k consecutive rows
extern "C" __global__ void bench_floor_spread(const uint4* in, i64 nv, int k, uint4* out) {
    const i64 t = blockIdx.x;
    for (i64 v = threadIdx.x; v < nv; v += blockDim.x) {
        uint4 x = in[t * nv + v];
        for (int j = 0; j < k; j++) out[(t * k + j) * nv + v] = x;
    }
}

// combine and dispatch backward: read k consecutive rows, write one (their XOR: no arithmetic cost)
extern "C" __global__ void bench_floor_gather(const uint4* in, i64 nv, int k, uint4* out) {
    const i64 t = blockIdx.x;
    for (i64 v = threadIdx.x; v < nv; v += blockDim.x) {
        uint4 a = make_uint4(0u, 0u, 0u, 0u);
        for (int j = 0; j < k; j++) {
            uint4 x = in[(t * k + j) * nv + v];
            a.x ^= x.x; a.y ^= x.y; a.z ^= x.z; a.w ^= x.w;
        }
        out[t * nv + v] = a;
    }
}

// combine backward: read the token's gradient row and its k forward rows, write k rows
extern "C" __global__ void bench_floor_grad(const uint4* g, const uint4* fwd, i64 nv, int k, uint4* out) {
    const i64 t = blockIdx.x;
    for (i64 v = threadIdx.x; v < nv; v += blockDim.x) {
        uint4 a = g[t * nv + v];
        for (int j = 0; j < k; j++) {
            uint4 x = fwd[(t * k + j) * nv + v];
            x.x ^= a.x;
            out[(t * k + j) * nv + v] = x;
        }
    }
}

// =============================================================== instantiations (extern "C")
#define DATA_KERNELS(B)                                                                                              \
    extern "C" __global__ void dispatch_permute_##B(const void* rmap, int rmBytes, i64 T, int E, int G,               \
            const unsigned* masks, const int* chunkPrefix, const int* blockOff, const i64* meta, const char* inp,     \
            i64 rowBytes, char* out, i64 outRows, const void* probs, int probsSize, void* pprobs, int* rowIdMap) {    \
        dispatch_permute_impl<B>(rmap, rmBytes, T, E, G, masks, chunkPrefix, blockOff, meta, inp, rowBytes, out,     \
                                 outRows, probs, probsSize, pprobs, rowIdMap);                                       \
    }                                                                                                                \
    extern "C" __global__ void dispatch_pad_fill_##B(const i64* meta, int E, char* out, i64 rowBytes, i64 outRows,    \
                                                     void* pprobs, int probsSize) {                                   \
        dispatch_pad_fill_impl<B>(meta, E, out, rowBytes, outRows, pprobs, probsSize);                               \
    }                                                                                                                \
    extern "C" __global__ void scatter_rows_##B(const char* g, i64 rowBytes, const int* rowIdMap, int E,             \
            i64 outRows, const void* padOff, int padSize, char* out, unsigned char* hit) {                           \
        scatter_rows_impl<B>(g, rowBytes, rowIdMap, E, outRows, padOff, padSize, out, hit);                          \
    }                                                                                                                \
    extern "C" __global__ void fill_unhit_##B(char* out, i64 rows, i64 rowBytes, const unsigned char* hit) {          \
        fill_unhit_impl<B>(out, rows, rowBytes, hit);                                                                \
    }                                                                                                                \
    extern "C" __global__ void sort_rows_##B(const char* in, i64 N, i64 rowBytes, const int* map, int forward,        \
                                             char* out, const void* probs, int probsSize, void* pprobs) {            \
        sort_rows_impl<B>(in, N, rowBytes, map, forward, out, probs, probsSize, pprobs);                             \
    }

DATA_KERNELS(16)
DATA_KERNELS(8)
DATA_KERNELS(4)
DATA_KERNELS(2)
DATA_KERNELS(1)

#define REDUCTION_KERNELS(NAME, DT, B)                                                                               \
    extern "C" __global__ void gather_sum_##NAME##_##B(const char* inp, i64 inRows, i64 rowBytes,                    \
            const int* rowIdMap, int E, const void* mprobs, int mpDT, const void* padOff, int padSize, int fmaOn,    \
            char* out, const void* gpp, int gppSize, void* gprobs) {                                                 \
        gather_sum_impl<DT, B>(inp, inRows, rowBytes, rowIdMap, E, mprobs, mpDT, padOff, padSize, fmaOn, out, gpp,   \
                               gppSize, gprobs);                                                                     \
    }                                                                                                                \
    extern "C" __global__ void combine_bwd_##NAME##_##B(const char* g, i64 rowBytes, const int* rowIdMap, int E,     \
            const char* fwdIn, i64 fwdRows, const void* mprobs, int mpDT, const void* padOff, int padSize,           \
            char* gradIn, unsigned char* hit, void* gradMp) {                                                        \
        combine_bwd_impl<DT, B>(g, rowBytes, rowIdMap, E, fwdIn, fwdRows, mprobs, mpDT, padOff, padSize, gradIn,     \
                                hit, gradMp);                                                                        \
    }

REDUCTION_KERNELS(f32, DT_F32, 16)
REDUCTION_KERNELS(f32, DT_F32, 4)
REDUCTION_KERNELS(bf16, DT_BF16, 16)
REDUCTION_KERNELS(bf16, DT_BF16, 4)
REDUCTION_KERNELS(bf16, DT_BF16, 2)
REDUCTION_KERNELS(f16, DT_F16, 16)
REDUCTION_KERNELS(f16, DT_F16, 4)
REDUCTION_KERNELS(f16, DT_F16, 2)
