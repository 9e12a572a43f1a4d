import CParallel

/// Fork-join parallel loops over the engine's non-GEMM work (im2col, col2im, BatchNorm,
/// activations, upsampling), run on the allocation-free pool of Sources/CParallel/dip_parallel.c
/// (Swift's DispatchQueue.concurrentPerform allocates on every call). Work is split into a fixed
/// number of contiguous chunks, and no loop reduces across chunks, so results never depend on
/// scheduling.
enum Parallel {
    /// Threads taking part (the caller plus the pool's workers): one per core, at most 16.
    static let workers = Int(dip_parallel_threads())

    /// The loop body and its split, passed to the C pool through a pointer.
    private struct Job {
        let body: (Range<Int>) -> Void
        let count: Int
        let chunks: Int
    }

    /// Runs body(range) over `0..<count` split into `workers` contiguous chunks, or inline when the
    /// work (count × costPerItem, roughly in floats touched) is too small to be worth a fork.
    @inline(__always)
    static func forEach(_ count: Int, costPerItem: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let chunks = min(workers, count)
        if chunks <= 1 || count * costPerItem < 1 << 15 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var job = Job(body: escapable, count: count, chunks: chunks)
            withUnsafeMutablePointer(to: &job) { pointer in
                dip_parallel_run(Int32(chunks), { context, chunk in
                    guard let job = context?.assumingMemoryBound(to: Job.self) else { return }
                    let i = Int(chunk), n = job.pointee.count, k = job.pointee.chunks
                    let lo = n * i / k, hi = n * (i + 1) / k
                    if lo < hi { job.pointee.body(lo..<hi) }
                }, pointer)
            }
        }
    }
}
