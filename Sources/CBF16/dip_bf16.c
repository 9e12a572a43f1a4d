/*
 * bf16 products with fp32 accumulation (see include/dip_bf16.h). Compiled for the baseline CPU;
 * each kernel carries its own target attribute and runs only after dip_bf16_supported() said yes.
 *
 * dip_bf16_gemm_nn: BLIS-style register tile of MR=8 rows × NR=48 columns (24 zmm accumulators,
 * 3 B loads and 8 A broadcasts per pair of k), k in blocks of KC pairs so the B panel of a tile
 * (KC × 48 pairs, 24 KiB) stays in L1 while the A slivers stream from L2.
 * dip_bf16_gemm_nt: dot products of bf16 rows, 4 × 6 rows per tile (24 zmm accumulators, each
 * holding 16 partial sums of pairs), reduced once per tile.
 * Sums run in a fixed order for a given call, so results do not depend on threading.
 */
#include "dip_bf16.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))
#define MR DIP_BF16_MR
#define NR DIP_BF16_NR
/* Pairs of k per block of dip_bf16_gemm_nn. */
#define KC 128

int dip_bf16_supported(void) {
    static int cached = -1;
    if (cached >= 0) return cached;
    unsigned a, b, c, d;
    int ok = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 16)) && (b & (1u << 30))) { /* avx512f, avx512bw */
        unsigned a1, b1, c1, d1;
        /* OS saves the zmm state (XCR0 bits 1, 2, 5, 6, 7). */
        unsigned lo, hi;
        __get_cpuid(1, &a1, &b1, &c1, &d1);
        if (c1 & (1u << 27)) {
            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            if ((lo & 0xe6) == 0xe6 && __get_cpuid_count(7, 1, &a1, &b1, &c1, &d1) && (a1 & (1u << 5)))
                ok = 1; /* avx512_bf16 */
        }
    }
    cached = ok;
    return ok;
}

TARGET void dip_bf16_convert(const float *src, uint16_t *dst, long n) {
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
        _mm512_storeu_si512((void *)(dst + i), (__m512i)v);
    }
    for (; i < n; i += 16) {
        long r = n - i < 16 ? n - i : 16;
        __mmask16 m = (__mmask16)((1u << r) - 1);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src + i));
        _mm256_mask_storeu_epi16(dst + i, m, (__m256i)v);
    }
}

TARGET void dip_bf16_interleave(const float *lo, const float *hi, uint32_t *dst, long n) {
    /* cvtne2ps gives [lo 0..15 | hi 0..15] as 16-bit lanes; this index interleaves them. */
    const __m512i order = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                           23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (long i = 0; i < n; i += 16) {
        long r = n - i < 16 ? n - i : 16;
        __mmask16 m = (__mmask16)((1u << r) - 1);
        __m512 l = lo ? _mm512_maskz_loadu_ps(m, lo + i) : _mm512_setzero_ps();
        __m512 h = hi ? _mm512_maskz_loadu_ps(m, hi + i) : _mm512_setzero_ps();
        __m512i v = _mm512_permutexvar_epi16(order, (__m512i)_mm512_cvtne2ps_pbh(h, l));
        _mm512_mask_storeu_epi32(dst + i, m, v);
    }
}

/* The 2·pad edge samples of a padded row (left then right): reflected (PyTorch's
 * ReflectionPad2d) or zero, after the row's affine map v → scale·v + shift. */
static void padded_edges(const float *row, long w, int pad, int reflect, float scale, float shift, float *edges) {
    for (int j = 0; j < pad; j++) {
        edges[j] = row && reflect ? scale * row[pad - j] + shift : 0;
        edges[pad + j] = row && reflect ? scale * row[w - 2 - j] + shift : 0;
    }
}

/* dst[j] = bf16(scale·src[j] + shift) pairs for j < n, as dip_bf16_interleave (NULL: zero row). */
TARGET static void interleave_affine(const float *lo, const float *hi, float slo, float tlo, float shi, float thi,
                                     uint32_t *dst, long n) {
    const __m512i order = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                           23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512 al = _mm512_set1_ps(slo), bl = _mm512_set1_ps(tlo), ah = _mm512_set1_ps(shi), bh = _mm512_set1_ps(thi);
    for (long i = 0; i < n; i += 16) {
        long r = n - i < 16 ? n - i : 16;
        __mmask16 m = (__mmask16)((1u << r) - 1);
        __m512 l = lo ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, lo + i), al, bl) : _mm512_setzero_ps();
        __m512 h = hi ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, hi + i), ah, bh) : _mm512_setzero_ps();
        __m512i v = _mm512_permutexvar_epi16(order, (__m512i)_mm512_cvtne2ps_pbh(h, l));
        _mm512_mask_storeu_epi32(dst + i, m, v);
    }
}

TARGET void dip_bf16_interleave_padded(const float *lo, const float *hi, long w, int pad, int reflect,
                                       float scale_lo, float shift_lo, float scale_hi, float shift_hi, uint32_t *dst) {
    float el[2 * DIP_BF16_MAX_PAD], eh[2 * DIP_BF16_MAX_PAD];
    uint32_t edge[2 * DIP_BF16_MAX_PAD];
    padded_edges(lo, w, pad, reflect, scale_lo, shift_lo, el);
    padded_edges(hi, w, pad, reflect, scale_hi, shift_hi, eh);
    dip_bf16_interleave(el, eh, edge, 2 * pad);
    memcpy(dst, edge, pad * sizeof(uint32_t));
    memcpy(dst + pad + w, edge + pad, pad * sizeof(uint32_t));
    if (scale_lo == 1 && shift_lo == 0 && scale_hi == 1 && shift_hi == 0) dip_bf16_interleave(lo, hi, dst + pad, w);
    else interleave_affine(lo, hi, scale_lo, shift_lo, scale_hi, shift_hi, dst + pad, w);
}

TARGET void dip_bf16_convert_padded(const float *row, long w, int pad, int reflect, float scale, float shift, uint16_t *dst) {
    float e[2 * DIP_BF16_MAX_PAD];
    uint16_t edge[2 * DIP_BF16_MAX_PAD];
    padded_edges(row, w, pad, reflect, scale, shift, e);
    dip_bf16_convert(e, edge, 2 * pad);
    memcpy(dst, edge, pad * sizeof(uint16_t));
    memcpy(dst + pad + w, edge + pad, pad * sizeof(uint16_t));
    if (!row) {
        memset(dst + pad, 0, w * sizeof(uint16_t));
        return;
    }
    if (scale == 1 && shift == 0) {
        dip_bf16_convert(row, dst + pad, w);
        return;
    }
    const __m512 a = _mm512_set1_ps(scale), b = _mm512_set1_ps(shift);
    uint16_t *out = dst + pad;
    for (long i = 0; i < w; i += 16) {
        long r = w - i < 16 ? w - i : 16;
        __mmask16 m = (__mmask16)((1u << r) - 1);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, row + i), a, b));
        _mm256_mask_storeu_epi16(out + i, m, (__m256i)v);
    }
}

size_t dip_bf16_packed_a_count(int m, int k) {
    size_t slivers = ((size_t)m + MR - 1) / MR;
    return slivers * MR * (((size_t)k + 1) / 2);
}

TARGET void dip_bf16_pack_a(int m, int k, const float *a, long rs, long cs, uint32_t *packed) {
    int kp = (k + 1) / 2;
    int slivers = (m + MR - 1) / MR;
    float tmp[2 * MR];
    for (int s = 0; s < slivers; s++) {
        uint32_t *out = packed + (size_t)s * kp * MR;
        for (int q = 0; q < kp; q++) {
            for (int r = 0; r < MR; r++) {
                int i = s * MR + r, p = 2 * q;
                tmp[2 * r] = i < m ? a[i * rs + p * cs] : 0;
                tmp[2 * r + 1] = i < m && p + 1 < k ? a[i * rs + (p + 1) * cs] : 0;
            }
            __m256bh v = _mm512_cvtneps_pbh(_mm512_loadu_ps(tmp));
            _mm256_storeu_si256((__m256i *)(out + (size_t)q * MR), (__m256i)v);
        }
    }
}

/* One MR × NR tile over qn pairs: a points at the sliver's first pair (MR uint32 per pair),
 * b at the tile's first column of its first pair row. */
TARGET static inline void tile_nn(int qn, const uint32_t *a, const uint32_t *b, long ldb,
                                  __mmask16 m0, __mmask16 m1, __mmask16 m2,
                                  float *c, long ldc, int rows, int accumulate) {
    __m512 acc[MR][3];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = acc[r][2] = _mm512_setzero_ps();
    for (int q = 0; q < qn; q++) {
        __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(m0, b);
        __m512bh b1 = (__m512bh)_mm512_maskz_loadu_epi32(m1, b + 16);
        __m512bh b2 = (__m512bh)_mm512_maskz_loadu_epi32(m2, b + 32);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[r]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], ar, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], ar, b1);
            acc[r][2] = _mm512_dpbf16_ps(acc[r][2], ar, b2);
        }
        a += MR;
        b += ldb;
    }
    for (int r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        if (accumulate) {
            acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_maskz_loadu_ps(m0, cr));
            acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_maskz_loadu_ps(m1, cr + 16));
            acc[r][2] = _mm512_add_ps(acc[r][2], _mm512_maskz_loadu_ps(m2, cr + 32));
        }
        _mm512_mask_storeu_ps(cr, m0, acc[r][0]);
        _mm512_mask_storeu_ps(cr + 16, m1, acc[r][1]);
        _mm512_mask_storeu_ps(cr + 32, m2, acc[r][2]);
    }
}

static inline __mmask16 lane_mask(long count) {
    if (count >= 16) return 0xffff;
    if (count <= 0) return 0;
    return (__mmask16)((1u << count) - 1);
}

TARGET void dip_bf16_gemm_nn(int m, int k, int parts, long n0, long n1, const uint32_t *packed_a, long a_stride,
                             const uint32_t *b, long ldb, long b_shift, float *c, long ldc, int accumulate) {
    int kp = (k + 1) / 2;
    int slivers = (m + MR - 1) / MR;
    /* Per column tile all parts and k blocks, so the tile's C rows stay in cache between them. */
    for (long j = n0; j < n1; j += NR) {
        long nj = n1 - j;
        __mmask16 m0 = lane_mask(nj), m1 = lane_mask(nj - 16), m2 = lane_mask(nj - 32);
        for (int t = 0; t < parts; t++) {
            const uint32_t *at = packed_a + (size_t)t * a_stride;
            for (int q0 = 0; q0 < kp; q0 += KC) {
                int qn = kp - q0 < KC ? kp - q0 : KC;
                int acc = accumulate || t > 0 || q0 > 0;
                const uint32_t *bt = b + t * b_shift + (long)q0 * ldb + j;
                for (int s = 0; s < slivers; s++) {
                    int rows = m - s * MR < MR ? m - s * MR : MR;
                    tile_nn(qn, at + ((size_t)s * kp + q0) * MR, bt, ldb, m0, m1, m2,
                            c + (size_t)s * MR * ldc + j, ldc, rows, acc);
                }
            }
        }
    }
}

/* Rows per tile of dip_bf16_gemm_nt: TI of A × TJ of B. */
#define TI 4
#define TJ 6

TARGET void dip_bf16_gemm_nt(int m, long n0, long n1, long k, int parts, const uint16_t *a, long lda,
                             const uint16_t *b, long ldb, long b_shift, float *c, long ldc, long c_stride) {
    long full = k / 32 * 32;
    __mmask32 tail = (__mmask32)(k - full == 0 ? 0 : ((1ull << (k - full)) - 1));
    for (int i0 = 0; i0 < m; i0 += TI) {
        const uint16_t *ar[TI];
        for (int t = 0; t < TI; t++) ar[t] = a + (size_t)(i0 + t < m ? i0 + t : m - 1) * lda;
        for (int part = 0; part < parts; part++) {
            const uint16_t *bp = b + part * b_shift;
            float *cp = c + part * c_stride;
            for (long j0 = n0; j0 < n1; j0 += TJ) {
                const uint16_t *br[TJ];
                for (int u = 0; u < TJ; u++) br[u] = bp + (size_t)(j0 + u < n1 ? j0 + u : n1 - 1) * ldb;
                __m512 acc[TI][TJ];
                for (int t = 0; t < TI; t++)
                    for (int u = 0; u < TJ; u++) acc[t][u] = _mm512_setzero_ps();
                for (long p = 0; p < full; p += 32) {
                    __m512bh bv[TJ];
#pragma clang loop unroll(full)
                    for (int u = 0; u < TJ; u++) bv[u] = (__m512bh)_mm512_loadu_si512((const void *)(br[u] + p));
#pragma clang loop unroll(full)
                    for (int t = 0; t < TI; t++) {
                        __m512bh av = (__m512bh)_mm512_loadu_si512((const void *)(ar[t] + p));
#pragma clang loop unroll(full)
                        for (int u = 0; u < TJ; u++) acc[t][u] = _mm512_dpbf16_ps(acc[t][u], av, bv[u]);
                    }
                }
                if (tail) {
                    __m512bh bv[TJ];
                    for (int u = 0; u < TJ; u++) bv[u] = (__m512bh)_mm512_maskz_loadu_epi16(tail, br[u] + full);
                    for (int t = 0; t < TI; t++) {
                        __m512bh av = (__m512bh)_mm512_maskz_loadu_epi16(tail, ar[t] + full);
                        for (int u = 0; u < TJ; u++) acc[t][u] = _mm512_dpbf16_ps(acc[t][u], av, bv[u]);
                    }
                }
                for (int t = 0; t < TI && i0 + t < m; t++)
                    for (int u = 0; u < TJ && j0 + u < n1; u++)
                        cp[(size_t)(i0 + t) * ldc + j0 + u] += _mm512_reduce_add_ps(acc[t][u]);
            }
        }
    }
}
