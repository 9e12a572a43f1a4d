/// Small vectorised loops shared by the layers. Reductions use fixed lane partial sums combined in
/// a fixed order, so results are reproducible (and vectorise, which plain `+=` loops do not).
enum Kernels {
    /// Σ p[i] (i < n), accumulated in 16 float lanes, combined in Double.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 16 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var s = 0.0
        for l in 0..<16 { s += Double(acc[l]) }
        while i < n { s += Double(p[i]); i += 1 }
        return s
    }

    /// (Σ p[i], Σ p[i]²) for a chunk; callers keep chunks short (≤ 4096) and add the results in
    /// Double so that long planes stay accurate.
    @inline(__always)
    static func sumAndSquares(_ p: UnsafePointer<Float>, _ n: Int) -> (Double, Double) {
        var s = 0.0, q = 0.0
        var start = 0
        let raw = UnsafeRawPointer(p)
        while start < n {
            let end = min(n, start + 4096)
            var a = SIMD16<Float>(repeating: 0), b = SIMD16<Float>(repeating: 0)
            var i = start
            while i + 16 <= end {
                let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                a += v; b += v * v
                i += 16
            }
            for l in 0..<16 { s += Double(a[l]); q += Double(b[l]) }
            while i < end { let v = Double(p[i]); s += v; q += v * v; i += 1 }
            start = end
        }
        return (s, q)
    }

    /// Σ p[i] over a long plane in ≤ 4096-float chunks added in Double.
    @inline(__always)
    static func longSum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = 0.0, start = 0
        while start < n {
            let end = min(n, start + 4096)
            s += sum(p + start, end - start)
            start = end
        }
        return s
    }
}
