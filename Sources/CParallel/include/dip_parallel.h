#ifndef DIP_PARALLEL_H
#define DIP_PARALLEL_H
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

#ifdef __cplusplus
}
#endif
#endif
