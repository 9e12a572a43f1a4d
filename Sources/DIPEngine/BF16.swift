import CBF16
import Glibc

/// The engine's bf16 products (Sources/CBF16): operands rounded to bfloat16, products summed in
/// fp32, on CPUs with AVX512_BF16, where one VDPBF16PS does twice the multiply-adds of an fp32
/// FMA. Parameters, activations, gradients and Adam's state stay fp32 ("master weights"); only the
/// convolutions' GEMM operands are rounded. The wrappers split work across `Parallel.workers`
/// in fixed contiguous ranges, so results do not depend on scheduling.
enum BF16 {
    /// Whether the CPU can run the bf16 kernels.
    static let available: Bool = dip_bf16_supported() != 0
    /// The default for new convolutions: bf16 where available unless DIP_PRECISION=fp32.
    static let enabledByDefault: Bool = {
        guard available else { return false }
        if let v = getenv("DIP_PRECISION"), String(cString: v) == "fp32" { return false }
        return true
    }()

    static let mr = Int(DIP_BF16_MR), nr = Int(DIP_BF16_NR)

    /// UInt32 elements of a packed m×k A operand.
    static func packedCount(m: Int, k: Int) -> Int { Int(dip_bf16_packed_a_count(Int32(m), Int32(k))) }
    /// Pair rows of a k-row operand.
    static func pairRows(_ k: Int) -> Int { (k + 1) / 2 }

    /// Packs the m×k matrix with element (i, p) at a[i·rs + p·cs].
    /// Slivers are packed in parallel (each sliver's block of the layout is contiguous).
    static func packA(m: Int, k: Int, _ a: UnsafePointer<Float>, rs: Int, cs: Int, into packed: UnsafeMutablePointer<UInt32>) {
        let slivers = (m + mr - 1) / mr, sliverCount = mr * pairRows(k)
        Parallel.forEach(slivers, costPerItem: 4 * sliverCount) { range in
            let rows = min(m, range.upperBound * mr) - range.lowerBound * mr
            dip_bf16_pack_a(Int32(rows), Int32(k), a + range.lowerBound * mr * rs, rs, cs,
                            packed + range.lowerBound * sliverCount)
        }
    }

    /// Pair row q of a rows×n float matrix (row stride ld) into dst.
    @inline(__always)
    static func interleaveRow(_ src: UnsafePointer<Float>, q: Int, rows: Int, n: Int, ld: Int, into dst: UnsafeMutablePointer<UInt32>) {
        let lo = src + 2 * q * ld
        dip_bf16_interleave(lo, 2 * q + 1 < rows ? lo + ld : nil, dst, n)
    }

    /// Row r of a float matrix (row stride ld) as bf16 into dst.
    @inline(__always)
    static func convertRow(_ src: UnsafePointer<Float>, r: Int, n: Int, ld: Int, into dst: UnsafeMutablePointer<UInt16>) {
        dip_bf16_convert(src + r * ld, dst, n)
    }

    /// Pair rows of a rows×n float matrix (row stride ld): pair row q = rows 2q, 2q+1, stride ldp.
    static func interleave(_ src: UnsafePointer<Float>, rows: Int, n: Int, ld: Int,
                           into dst: UnsafeMutablePointer<UInt32>, ldp: Int) {
        let pairs = pairRows(rows)
        Parallel.forEach(pairs, costPerItem: 2 * n) { range in
            for q in range {
                let lo = src + 2 * q * ld
                dip_bf16_interleave(lo, 2 * q + 1 < rows ? lo + ld : nil, dst + q * ldp, n)
            }
        }
    }

    /// bf16 copy of a rows×n float matrix (row strides ld and ldd).
    static func convert(_ src: UnsafePointer<Float>, rows: Int, n: Int, ld: Int,
                        into dst: UnsafeMutablePointer<UInt16>, ldd: Int) {
        Parallel.forEach(rows, costPerItem: n) { range in
            for r in range { dip_bf16_convert(src + r * ld, dst + r * ldd, n) }
        }
    }

    /// C(m×n) (+)= Σ_t A_t·B_t over `parts` terms: A_t packed (m×k) at a + t·aStride, B_t pair rows
    /// at b + t·bShift (ldb). Columns split across workers in whole register tiles; each worker
    /// runs every part on its columns, so C is written by one worker per column.
    static func gemmNN(m: Int, n: Int, k: Int, parts: Int = 1, a: UnsafePointer<UInt32>, aStride: Int = 0,
                       b: UnsafePointer<UInt32>, ldb: Int, bShift: Int = 0,
                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let tiles = (n + nr - 1) / nr
        Parallel.forEach(tiles, costPerItem: m * k * parts) { range in
            dip_bf16_gemm_nn(Int32(m), Int32(k), Int32(parts), range.lowerBound * nr, min(n, range.upperBound * nr),
                             a, aStride, b, ldb, bShift, c, ldc, accumulate ? 1 : 0)
        }
    }

    /// C_t(m×n) += A(m×k)·B_tᵀ for t < parts, B_t = b + t·bShift (n×k), C_t = c + t·cStride; all
    /// bf16 rows. The n rows split across workers.
    static func gemmNT(m: Int, n: Int, k: Int, parts: Int = 1, a: UnsafePointer<UInt16>, lda: Int,
                       b: UnsafePointer<UInt16>, ldb: Int, bShift: Int = 0,
                       c: UnsafeMutablePointer<Float>, ldc: Int, cStride: Int = 0) {
        Parallel.forEach(n, costPerItem: m * k * parts) { range in
            dip_bf16_gemm_nt(Int32(m), range.lowerBound, range.upperBound, k, Int32(parts), a, lda, b, ldb, bShift,
                             c, ldc, cStride)
        }
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// The same memory as UInt32 (bf16 pairs) — workspaces are allocated as floats.
    var asPairs: UnsafeMutablePointer<UInt32> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: UInt32.self) }
    /// The same memory as UInt16 (bf16 values).
    var asBF16: UnsafeMutablePointer<UInt16> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: UInt16.self) }
}
