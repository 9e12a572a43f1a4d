/* Fork-join pool; see include/dip_parallel.h. */
#define _GNU_SOURCE
#include "dip_parallel.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { kMaxThreads = 16 };

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_threads = 1;              /* caller + workers */
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

/* The current job (written under state_lock before `generation` changes; `generation` is stored
 * with release order, so a worker that sees it change by spinning also sees the job). */
static atomic_ulong generation = 0;
static dip_task_fn job_fn = 0;
static void *job_context = 0;
static int job_chunks = 0;
static atomic_int next_chunk;
static atomic_int active_workers;         /* workers still inside the current job */

static __thread int inside_pool = 0;

static void run_chunks(dip_task_fn fn, void *context, int chunks) {
    int i;
    while ((i = atomic_fetch_add(&next_chunk, 1)) < chunks) fn(context, i);
}

/* How long a thread spins before sleeping on a condition variable: a fit step is hundreds of
 * back-to-back loops, each of well under a millisecond on the light nets, and a futex wake-up
 * takes tens of microseconds — long enough for the caller to run the second chunk itself and
 * leave the other core idle. Spinning this long costs little when the next loop does come. */
enum { kSpinNanoseconds = 50000 };

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Spins up to kSpinNanoseconds while done() is false; returns done()'s last value. */
static int spin_until(int (*done)(unsigned long), unsigned long arg) {
    long long deadline = 0;
    for (int i = 0;; i++) {
        if (done(arg)) return 1;
        cpu_relax();
        if ((i & 63) == 63) {
            long long t = now_ns();
            if (deadline == 0) deadline = t + kSpinNanoseconds;
            else if (t > deadline) return done(arg);
        }
    }
}

static int generation_moved(unsigned long seen) {
    return atomic_load_explicit(&generation, memory_order_acquire) != seen;
}

static int workers_done(unsigned long unused) {
    (void)unused;
    return atomic_load_explicit(&active_workers, memory_order_acquire) == 0;
}

static void *worker_main(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    inside_pool = 1;
    for (;;) {
        dip_task_fn fn;
        void *context;
        int chunks;
        if (spin_until(generation_moved, seen)) {
            /* The job fields were written before the release store of `generation`. */
            seen = atomic_load_explicit(&generation, memory_order_acquire);
            fn = job_fn;
            context = job_context;
            chunks = job_chunks;
        } else {
            pthread_mutex_lock(&state_lock);
            while (atomic_load(&generation) == seen) pthread_cond_wait(&start_cond, &state_lock);
            seen = atomic_load(&generation);
            fn = job_fn;
            context = job_context;
            chunks = job_chunks;
            pthread_mutex_unlock(&state_lock);
        }
        run_chunks(fn, context, chunks);
        if (atomic_fetch_sub(&active_workers, 1) == 1) {
            pthread_mutex_lock(&state_lock);
            pthread_cond_signal(&done_cond);
            pthread_mutex_unlock(&state_lock);
        }
    }
    return 0;
}

/* A forked child has no workers (and maybe a copy of a held lock): run everything inline there. */
static void reset_in_child(void) { pool_threads = 1; }

/* A whole number 1..kMaxThreads from the environment variable NAME, or 0. */
static long env_threads(const char *name) {
    const char *text = getenv(name);
    if (!text || !*text) return 0;
    char *end = 0;
    long n = strtol(text, &end, 10);
    return (*end == 0 && n >= 1) ? (n > kMaxThreads ? kMaxThreads : n) : 0;
}

/* The cores this process may use: DIP_THREADS (dip-pipe --threads), else the CPUs a Slurm task
** was given (SLURM_CPUS_PER_TASK), else the CPU affinity mask (taskset, cgroup cpusets, Slurm's
** task/affinity), else every online CPU. */
static long usable_cpus(void) {
    long n = env_threads("DIP_THREADS");
    if (n == 0) n = env_threads("SLURM_CPUS_PER_TASK");
    if (n == 0) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
    }
    if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
    return n;
}

static void start_pool(void) {
    pthread_atfork(0, 0, reset_in_child);
    long n = usable_cpus();
    if (n < 1) n = 1;
    if (n > kMaxThreads) n = kMaxThreads;
    atomic_init(&next_chunk, 0);
    atomic_init(&active_workers, 0);
    int started = 1;
    sigset_t old;
    dip_block_host_signals(&old);   /* the workers inherit it */
    for (long i = 1; i < n; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker_main, 0) == 0) started++;
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pool_threads = started;
}

void dip_block_host_signals(sigset_t *old) {
    sigset_t all;
    sigfillset(&all);
    int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_BLOCK, &all, old);
}

int dip_parallel_threads(void) {
    pthread_once(&pool_once, start_pool);
    return pool_threads;
}

void dip_parallel_run(int chunks, dip_task_fn fn, void *context) {
    if (chunks <= 0) return;
    pthread_once(&pool_once, start_pool);
    if (inside_pool || pool_threads == 1 || chunks == 1) {
        for (int i = 0; i < chunks; i++) fn(context, i);
        return;
    }
    pthread_mutex_lock(&submit_lock);
    pthread_mutex_lock(&state_lock);
    job_fn = fn;
    job_context = context;
    job_chunks = chunks;
    atomic_store(&next_chunk, 0);
    atomic_store(&active_workers, pool_threads - 1);
    atomic_fetch_add_explicit(&generation, 1, memory_order_release);
    pthread_cond_broadcast(&start_cond);
    pthread_mutex_unlock(&state_lock);

    inside_pool = 1;
    run_chunks(fn, context, chunks);
    inside_pool = 0;

    /* Every worker must have left this job's loop before the next job resets next_chunk. */
    spin_until(workers_done, 0);
    pthread_mutex_lock(&state_lock);
    while (atomic_load(&active_workers) > 0) pthread_cond_wait(&done_cond, &state_lock);
    pthread_mutex_unlock(&state_lock);
    pthread_mutex_unlock(&submit_lock);
}
