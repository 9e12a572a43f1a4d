#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import COpenBLAS

/// The engine's access to OpenBLAS (loaded at run time by Sources/COpenBLAS/blas_loader.c, which
/// selects the AVX-512 "SkylakeX" kernels on CPUs that have AVX-512 unless DIP_OPENBLAS_CORETYPE
/// names another core type).
public enum BLAS {
    /// Threads OpenBLAS uses inside one GEMM: the cores available to the process (2 on the machine
    /// dip targets), at most 16. Fixed per machine and set on every `load()`, so GEMM results are
    /// reproducible there (OpenBLAS partitions work by thread count) even if a host changed it.
    public static let threads = max(1, min(16, ProcessInfo.processInfo.activeProcessorCount))

    /// Loads OpenBLAS (once per process) and fixes its thread count. Throws `.blasUnavailable`
    /// with a one-line reason if the library cannot be loaded.
    public static func load() throws {
        if dip_blas_load() != 0 {
            throw EngineError.blasUnavailable(String(cString: dip_blas_error()))
        }
        dip_blas_set_threads(Int32(threads))
    }

    /// OpenBLAS's kernel family in use (e.g. "SkylakeX"), or "" if not loaded.
    public static var coreName: String { String(cString: dip_blas_corename()) }
    /// True when the loader selected the SkylakeX kernels itself.
    public static var forcedSkylakeX: Bool { dip_blas_forced_skylakex() != 0 }
    /// True when the CPU has the AVX-512 subsets the SkylakeX kernels need.
    public static var cpuHasAVX512: Bool { dip_blas_cpu_has_avx512() != 0 }

    /// Row-major C(m×n) = alpha·op(A)·op(B) + beta·C. Call only after `load()` succeeded.
    @inline(__always)
    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        dip_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                  a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Public GEMM for benchmarks and callers outside the engine (same contract as `sgemm`).
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
        try load()
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
              beta: beta, c: c, ldc: ldc)
    }
}
