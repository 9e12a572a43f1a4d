/// 1×1 convolutions with very few output channels (the head: 128 → 3 or 1), where OpenBLAS is
/// poor (an M = 3 GEMM runs at a few GFLOP/s) and the work is memory-bound anyway: one pass over
/// the input forward, one for each gradient. Every output value is summed in a fixed order, so
/// results do not depend on threading.
extension Conv2D {
    /// Largest cout that takes this path.
    static let thinLimit = 4

    var isThin: Bool { isPointwise && cout <= Conv2D.thinLimit }

    /// y[co] = b[co] + Σ_ci W[co, ci]·x[ci] for one image (planes of h·w); b only when
    /// `biasMatters`.
    func thinForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, params: UnsafePointer<Float>) {
        let plane = h * w, wt = params + weightOffset, bias = params + biasOffset
        let cin = self.cin, cout = self.cout
        let chunk = 1024
        let chunks = (plane + chunk - 1) / chunk
        Parallel.forEach(chunks, costPerItem: chunk * cin) { range in
            for ci0 in range {
                let lo = ci0 * chunk, n = min(plane, lo + chunk) - lo
                for co in 0..<cout {
                    let out = y + co * plane + lo
                    let b = biasMatters ? bias[co] : 0
                    for i in 0..<n { out[i] = b }
                    let wrow = wt + co * cin
                    for ci in 0..<cin {
                        let wv = wrow[ci]
                        let src = x + ci * plane + lo
                        for i in 0..<n { out[i] += wv * src[i] }
                    }
                }
            }
        }
    }

    /// dW[co, ci] += Σ_p dy[co, p]·x[ci, p]; db[co] += Σ_p dy[co, p]; dx (=, or += with
    /// `accumulate`) Σ_co W[co, ci]·dy[co] when `dx` is given. One image.
    func thinBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>?,
                      accumulate: Bool, params: UnsafePointer<Float>, grads: UnsafeMutablePointer<Float>) {
        let plane = h * w, wt = params + weightOffset
        let dW = grads + weightOffset, db = grads + biasOffset
        let cin = self.cin, cout = self.cout
        if biasMatters {
            for co in 0..<cout { db[co] += Float(Kernels.longSum(dy + co * plane, plane)) }
        }
        Parallel.forEach(cin, costPerItem: plane * (cout + 1)) { range in
            for ci in range {
                let src = x + ci * plane
                for co in 0..<cout {
                    dW[co * cin + ci] += Float(Kernels.longDot(src, dy + co * plane, plane))
                }
                if let dx {
                    let d = dx + ci * plane
                    if !accumulate { d.update(repeating: 0, count: plane) }
                    for co in 0..<cout {
                        let wv = wt[co * cin + ci]
                        let g = dy + co * plane
                        for i in 0..<plane { d[i] += wv * g[i] }
                    }
                }
            }
        }
    }
}

extension Kernels {
    /// Σ a[i]·b[i] over a long plane: 16 float lanes per ≤ 4096-float chunk, chunks added in Double.
    @inline(__always)
    static func longDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = 0.0, start = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while start < n {
            let end = min(n, start + 4096)
            var acc = SIMD16<Float>(repeating: 0)
            var i = start
            while i + 16 <= end {
                acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                     * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                i += 16
            }
            var t = Double(acc.sum())
            while i < end { t += Double(a[i] * b[i]); i += 1 }
            s += t
            start = end
        }
        return s
    }
}
