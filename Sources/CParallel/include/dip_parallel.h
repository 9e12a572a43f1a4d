#ifndef DIP_PARALLEL_H
#define DIP_PARALLEL_H
#include <signal.h>
/*
 * A tiny fork-join pool for the engine's non-GEMM loops (dip_parallel.c): persistent worker
 * threads, no allocation per call (Swift's DispatchQueue.concurrentPerform allocates a box and
 * copies a block each time).
 */

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*dip_task_fn)(void *context, int chunk);

/* Runs fn(context, i) for every i in [0, chunks) on the calling thread and the pool's workers and
 * returns when all have finished. Workers spin for 50 µs after a job before sleeping, so the
 * back-to-back loops of a fit step start on every core without a futex wake-up each. Which thread runs which chunk is not fixed, so callers must not
 * reduce across chunks. Calls from inside a task run inline; concurrent callers are serialised. */
void dip_parallel_run(int chunks, dip_task_fn fn, void *context);

/* Threads taking part in a run (the caller plus the workers): online CPUs, 1...16. */
int dip_parallel_threads(void);

/* Blocks, on the calling thread, every signal but the faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGTRAP, SIGABRT, SIGSYS) and stores the previous mask in *old for
 * pthread_sigmask(SIG_SETMASK, old, NULL). Threads started meanwhile inherit the mask, so a signal
 * sent to the process (Ctrl-C in a host such as Python) is handled by one of the host's own
 * threads, at once, instead of by a busy or descheduled worker; faults go to the thread that
 * faults whatever the mask, and blocked they would kill. Used around starting this pool's workers
 * and OpenBLAS's (Sources/COpenBLAS/blas_loader.c). */
void dip_block_host_signals(sigset_t *old);

#ifdef __cplusplus
}
#endif
#endif
