#ifndef DIP_BLAS_H
#define DIP_BLAS_H
/*
 * OpenBLAS, loaded at run time with dlopen so that its kernel choice can be made before its
 * library constructor runs (OpenBLAS 0.3.21 reads OPENBLAS_CORETYPE only while it initialises, and
 * Debian's build detects AVX-512 EPYCs as Haswell). See blas_loader.c for the policy.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Loads OpenBLAS once (thread-safe). Returns 0 on success; otherwise non-zero and
 * dip_blas_error() describes the problem. Never crashes when OpenBLAS is missing. */
int dip_blas_load(void);

/* One-line description of the last load failure ("" if none). */
const char *dip_blas_error(void);

/* OpenBLAS's core name (e.g. "SkylakeX", "Haswell") or "" if not loaded. */
const char *dip_blas_corename(void);

/* 1 if this loader chose the SkylakeX kernels itself (CPU has AVX-512, OPENBLAS_CORETYPE unset or
 * naming a non-AVX-512 core, DIP_OPENBLAS_CORETYPE unset), 0 otherwise or if OpenBLAS was already
 * in the process. */
int dip_blas_forced_skylakex(void);

/* 1 if the CPU (and OS) support the AVX-512 subsets OpenBLAS's SkylakeX kernels use. */
int dip_blas_cpu_has_avx512(void);

/* Sets OpenBLAS's thread count (no-op if not loaded). */
void dip_blas_set_threads(int n);

/* Row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, op = transpose when trans != 0.
 * Must only be called after dip_blas_load() returned 0. */
void dip_sgemm(int transA, int transB, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

#ifdef __cplusplus
}
#endif
#endif
