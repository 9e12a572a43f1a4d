import Dispatch

/// Fork-join parallel loops over the engine's non-GEMM work (im2col, col2im, BatchNorm,
/// activations, upsampling). Work is split into a fixed number of contiguous chunks, and no loop
/// reduces across chunks, so results never depend on scheduling.
enum Parallel {
    /// Worker count for engine loops: one per available core (2 on the target machine), at most 16.
    /// No loop reduces across chunks, so results do not depend on it.
    static let workers = BLAS.threads

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
        DispatchQueue.concurrentPerform(iterations: chunks) { i in
            let lo = count * i / chunks, hi = count * (i + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }
}
