/*
 * Run-time OpenBLAS loader (see include/dip_blas.h).
 *
 * Policy:
 *  1. If the process already has OpenBLAS (another library linked or loaded it), use that copy:
 *     its kernels were chosen long ago and loading a second one would only add threads.
 *  2. Otherwise choose the kernels before OpenBLAS's constructor runs:
 *     - DIP_OPENBLAS_CORETYPE, if set, is dip's explicit choice and is used as given (e.g.
 *       DIP_OPENBLAS_CORETYPE=Haswell to compare kernels);
 *     - else, if the CPU has AVX-512 (F, DQ, CD, BW, VL: what OpenBLAS's SkylakeX target needs),
 *       use "SkylakeX" unless OPENBLAS_CORETYPE already names an AVX-512 core. Debian's OpenBLAS
 *       0.3.21 takes AMD EPYC with AVX-512 for Haswell, and some environments preset
 *       OPENBLAS_CORETYPE=Haswell machine-wide; either way the AVX2 kernels are ~35% slower, and
 *       dip is meant to use the machine without the user doing anything.
 *     The variable is put back as it was right after the dlopen, so child processes and other
 *     code see the environment the user gave.
 *     Likewise OPENBLAS_THREAD_TIMEOUT is set to 4 (idle workers sleep instead of spinning) unless
 *     the user set it.
 *  3. dlopen("libopenblas.so.0") (then "libopenblas.so") and dlsym cblas_sgemm,
 *     openblas_set_num_threads and openblas_get_corename. Any failure is reported as a message,
 *     never a crash.
 * The same code runs inside libdip.so when GIMP or ImageMagick loads it. setenv/unsetenv run once,
 * under pthread_once, before any OpenBLAS thread exists; a host thread reading the environment at
 * that very moment is the one (theoretical) hazard of this approach.
 */
#define _GNU_SOURCE
#include "dip_blas.h"
#include "dip_parallel.h"
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* CBLAS enums (values fixed by the CBLAS standard). */
enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];
static int forced_skylakex = 0;
static sgemm_fn p_sgemm = NULL;
static set_threads_fn p_set_threads = NULL;
static corename_fn p_corename = NULL;

int dip_blas_cpu_has_avx512(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

/* Whether an OPENBLAS_CORETYPE value names a core whose kernels already use AVX-512. */
static int names_avx512_core(const char *core) {
    if (core == NULL) return 0;
    static const char *const avx512_cores[] = {"SkylakeX", "CooperLake", "SapphireRapids"};
    for (size_t i = 0; i < sizeof avx512_cores / sizeof avx512_cores[0]; i++)
        if (strcasecmp(core, avx512_cores[i]) == 0) return 1;
    return 0;
}

static int bind_symbols(void *handle) {
    p_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    p_set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    p_corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    return p_sgemm != NULL && p_set_threads != NULL;
}

static void do_load(void) {
    /* 1. Already in the process? (openblas_set_num_threads is OpenBLAS-specific, so this does not
     *    pick up a reference BLAS that merely provides cblas_sgemm.) */
    if (dlsym(RTLD_DEFAULT, "openblas_set_num_threads") != NULL && bind_symbols(RTLD_DEFAULT)) {
        load_status = 0;
        return;
    }
    void *already = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (already != NULL && bind_symbols(already)) {
        load_status = 0;
        return;
    }
    /* 2. Choose the kernels before OpenBLAS's constructor runs. */
    const char *ambient = getenv("OPENBLAS_CORETYPE");
    char saved[64] = {0};
    int had_ambient = ambient != NULL;
    if (had_ambient) snprintf(saved, sizeof saved, "%s", ambient);
    const char *explicit_choice = getenv("DIP_OPENBLAS_CORETYPE");
    const char *chosen = NULL;
    if (explicit_choice != NULL && explicit_choice[0] != '\0') {
        chosen = explicit_choice;
    } else if (dip_blas_cpu_has_avx512() && !names_avx512_core(ambient)) {
        chosen = "SkylakeX";
        forced_skylakex = 1;
    }
    int changed_coretype = 0;
    if (chosen != NULL && (ambient == NULL || strcmp(ambient, chosen) != 0)) {
        if (setenv("OPENBLAS_CORETYPE", chosen, 1) == 0) changed_coretype = 1;
    }
    /* Idle OpenBLAS workers spin (calling sched_yield) for 2^28 cycles after each GEMM by default,
     * competing with the engine's own parallel loops on a 2-core machine. Unless the user chose,
     * let them sleep after 2^4 cycles (the minimum); waking them costs microseconds per GEMM. */
    int forced_timeout = 0;
    const char *timeout = getenv("OPENBLAS_THREAD_TIMEOUT");
    if (timeout == NULL || timeout[0] == '\0') {
        if (setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1) == 0) forced_timeout = 1;
    }
    /* 3. Load. */
#ifdef DIP_OPENBLAS_TEST_SONAME /* lets a manual test exercise the failure path */
    const char *names[] = {DIP_OPENBLAS_TEST_SONAME};
#else
    const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
#endif
    void *handle = NULL;
    const char *why = "not found";
    /* OpenBLAS starts its worker threads when it loads and when its thread count grows (below);
     * they inherit this thread's signal mask, so both happen with the host's signals blocked. */
    sigset_t old;
    dip_block_host_signals(&old);
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char *e = dlerror();
            if (e != NULL) why = e;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (changed_coretype) {
        if (had_ambient) setenv("OPENBLAS_CORETYPE", saved, 1); else unsetenv("OPENBLAS_CORETYPE");
    }
    if (forced_timeout) unsetenv("OPENBLAS_THREAD_TIMEOUT");
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error,
                 "cannot load libopenblas.so.0 (%s); install libopenblas0 (Debian: apt install libopenblas0-pthread)",
                 why);
        load_status = 1;
        return;
    }
    if (!bind_symbols(handle)) {
        snprintf(load_error, sizeof load_error,
                 "libopenblas.so.0 lacks cblas_sgemm or openblas_set_num_threads");
        load_status = 2;
        return;
    }
    load_status = 0;
}

int dip_blas_load(void) {
    pthread_once(&load_once, do_load);
    return load_status;
}

const char *dip_blas_error(void) { return load_error; }

const char *dip_blas_corename(void) {
    if (load_status != 0 || p_corename == NULL) return "";
    const char *n = p_corename();
    return n != NULL ? n : "";
}

int dip_blas_forced_skylakex(void) { return forced_skylakex; }

void dip_blas_set_threads(int n) {
    if (load_status == 0 && p_set_threads != NULL) {
        sigset_t old;
        dip_block_host_signals(&old);
        p_set_threads(n);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
}

void dip_sgemm(int transA, int transB, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    p_sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha,
            a, lda, b, ldb, beta, c, ldc);
}
