#ifndef DIP_BF16_H
#define DIP_BF16_H
/*
 * bf16 matrix products with fp32 accumulation for the engine's convolutions (dip_bf16.c), on CPUs
 * with AVX512_BF16 (VDPBF16PS: 32 multiply-adds per instruction, twice an fp32 FMA's 16).
 * Operands are rounded to bfloat16 (8-bit mantissa, round to nearest even) when converted;
 * products and sums are fp32. Every function works on a caller-given range so the caller can
 * split work across threads; none allocates, none keeps state.
 *
 * Layouts:
 * - bf16 rows: plain row-major uint16 (the top half of each float, rounded).
 * - pair rows ("interleaved"): one uint32 per column holding (row 2q, row 2q+1) of a float matrix
 *   as (low, high) bf16 halves; pair row q of a K-row matrix covers rows 2q and 2q+1 (a missing
 *   odd last row is zero). VDPBF16PS multiplies such a pair by a pair of A and adds both.
 * - packed A: `dip_bf16_pack_a` — slivers of DIP_BF16_MR rows, per pair q the sliver's MR pairs.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per packed-A sliver and columns per microkernel tile of dip_bf16_gemm_nn. */
#define DIP_BF16_MR 8
#define DIP_BF16_NR 48

/* 1 when the CPU (and OS) support AVX512F, AVX512BW and AVX512_BF16; 0 otherwise. Nothing else in
 * this header may be called when it returns 0. */
int dip_bf16_supported(void);

/* dst[i] = bf16(src[i]) for i < n. */
void dip_bf16_convert(const float *src, uint16_t *dst, long n);

/* dst[j] = (bf16(lo[j]), bf16(hi[j])) for j < n; NULL means a zero row. */
void dip_bf16_interleave(const float *lo, const float *hi, uint32_t *dst, long n);

/* Largest padding of the padded-row functions ((k−1)/2 for k ≤ 15). */
#define DIP_BF16_MAX_PAD 7

/* Rows lo, hi of width w, each mapped v → scale·v + shift (a BatchNorm folded into the
 * convolution reading them; 1, 0 for none), padded by `pad` (≤ DIP_BF16_MAX_PAD) samples each
 * side — reflected (-1 → 1, w → w−2) when `reflect`, else zero — as w + 2·pad pairs; NULL means
 * a zero row. */
void dip_bf16_interleave_padded(const float *lo, const float *hi, long w, int pad, int reflect,
                                float scale_lo, float shift_lo, float scale_hi, float shift_hi, uint32_t *dst);

/* Row `row` mapped and padded as above, as w + 2·pad bf16 values; NULL means a zero row. */
void dip_bf16_convert_padded(const float *row, long w, int pad, int reflect, float scale, float shift, uint16_t *dst);

/* uint32 elements of a packed m×k A (m rounded up to MR, k to even). */
size_t dip_bf16_packed_a_count(int m, int k);

/* Packs the m×k matrix whose element (i, p) is a[i*rs + p*cs] (so either orientation packs). */
void dip_bf16_pack_a(int m, int k, const float *a, long rs, long cs, uint32_t *packed);

/* C(i, j) (+)= Σ_t Σ_p A_t(i, p)·B_t(p, j) for i < m, j in [n0, n1), over `parts` terms: A_t packed
 * from an m×k matrix at packed_a + t·a_stride; B_t as pair rows (ceil(k/2) of them, ldb uint32
 * apart) at b + t·b_shift (a column shift; negative allowed); C fp32 row-major (ldc).
 * accumulate 0 overwrites C. */
void dip_bf16_gemm_nn(int m, int k, int parts, long n0, long n1, const uint32_t *packed_a, long a_stride,
                      const uint32_t *b, long ldb, long b_shift, float *c, long ldc, int accumulate);

/* C_t(i, j) += Σ_{p<k} A[i*lda + p]·B_t[j*ldb + p] for i < m, j in [n0, n1), t < parts: both
 * operands bf16 rows, B_t = b + t·b_shift, C_t = c + t·c_stride (a "dot product" GEMM, for weight
 * gradients where k is the long spatial dimension). */
void dip_bf16_gemm_nt(int m, long n0, long n1, long k, int parts, const uint16_t *a, long lda, const uint16_t *b,
                      long ldb, long b_shift, float *c, long ldc, long c_stride);

#ifdef __cplusplus
}
#endif
#endif
