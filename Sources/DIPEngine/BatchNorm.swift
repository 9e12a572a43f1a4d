/// BatchNorm over NCHW with the statistics of the current batch (per channel, biased variance,
/// ε = 1e-5, as PyTorch in training mode) and learnable scale γ and shift β, optionally fused with
/// LeakyReLU (`slope` 0.2) so a conv → BN → LReLU block costs one pass forward and two backward.
/// With `slope` 1 it is plain BN (the BN after each concat).
///
/// Parameters: γ (c floats) at `offset`, β (c floats) right after; gradients accumulate (+=).
/// The forward keeps the per-channel mean and 1/σ for the backward, which recomputes x̂ from the
/// input instead of storing it.
struct BatchNorm {
    let c: Int
    let slope: Float
    let offset: Int
    static let epsilon: Float = 1e-5
    var parameterCount: Int { 2 * c }
    /// Folded into the convolution that reads it (plain BN only): the forward computes the
    /// statistics and the per-channel map y = a·x + b (a at stats + 2c, b at stats + 3c) but writes
    /// no y; the convolution applies the map as it reads x (`Conv2D.forward`'s `affine`).
    var folded = false
    /// Floats of `stats` this layer uses: μ and 1/σ, and for a folded layer a and b.
    var statsFloats: Int { folded ? 4 * c : 2 * c }

    func initialise(_ params: UnsafeMutablePointer<Float>) {
        for i in 0..<c { params[offset + i] = 1; params[offset + c + i] = 0 }
    }

    /// y = act(γ·(x − μ)/σ + β). `stats` holds 2c floats (μ, then 1/σ) for the backward.
    func forward(x: TensorView, y: TensorView, params: UnsafeMutablePointer<Float>, stats: UnsafeMutablePointer<Float>) {
        let plane = x.plane, n = x.n
        let count = Double(plane * n)
        let gamma = params + offset, beta = params + offset + c
        let slope = self.slope
        Parallel.forEach(c, costPerItem: plane * n * 2) { range in
            for ch in range {
                var s = 0.0, q = 0.0
                for i in 0..<n {
                    let (a, b) = Kernels.sumAndSquares(x.channel(i, ch), plane)
                    s += a; q += b
                }
                let mean = s / count
                let variance = max(0, q / count - mean * mean)
                let inv = Float(1 / (variance + Double(BatchNorm.epsilon)).squareRoot())
                stats[ch] = Float(mean); stats[c + ch] = inv
                let a = gamma[ch] * inv
                let b = beta[ch] - Float(mean) * a
                if folded {
                    stats[2 * c + ch] = a; stats[3 * c + ch] = b
                    continue
                }
                for i in 0..<n {
                    BatchNorm.affineAct(x.channel(i, ch), y.channel(i, ch), plane, a: a, b: b, slope: slope)
                }
            }
        }
    }

    /// From dy (gradient of the activated output) accumulates dγ, dβ and writes dx (adds it when
    /// `accumulate`). dx may be the same memory as dy when not accumulating.
    func backward(x: TensorView, dy: TensorView, dx: TensorView, accumulate: Bool,
                  params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>,
                  stats: UnsafePointer<Float>) {
        let plane = x.plane, n = x.n
        let count = Float(plane * n)
        let gamma = params + offset, beta = params + offset + c
        let dGamma = grads + offset, dBeta = grads + offset + c
        let slope = self.slope
        Parallel.forEach(c, costPerItem: plane * n * 3) { range in
            for ch in range {
                let mean = stats[ch], inv = stats[c + ch]
                let a = gamma[ch] * inv
                let b = beta[ch] - mean * a
                // Pass 1: Σg and Σg·x̂ with g = dy·act'(z), in short chunks of 16 lanes.
                var sg = 0.0, sgx = 0.0
                for i in 0..<n {
                    let src = x.channel(i, ch), g = dy.channel(i, ch)
                    var start = 0
                    while start < plane {
                        let end = min(plane, start + 4096)
                        var ag: Float = 0, agx: Float = 0
                        var vg = SIMD16<Float>(repeating: 0), vgx = SIMD16<Float>(repeating: 0)
                        var j = start
                        let rs = UnsafeRawPointer(src), rg = UnsafeRawPointer(g)
                        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b)
                        let vmean = SIMD16<Float>(repeating: mean), vinv = SIMD16<Float>(repeating: inv)
                        let vslope = SIMD16<Float>(repeating: slope)
                        while j + 16 <= end {
                            let xv = rs.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
                            var gv = rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
                            if slope != 1 {
                                let z = va * xv + vb
                                gv = gv.replacing(with: gv * vslope, where: z .<= 0)
                            }
                            vg += gv
                            vgx += gv * ((xv - vmean) * vinv)
                            j += 16
                        }
                        while j < end {
                            var gj = g[j]
                            if slope != 1 && a * src[j] + b <= 0 { gj *= slope }
                            ag += gj; agx += gj * ((src[j] - mean) * inv)
                            j += 1
                        }
                        sg += Double(vg.sum()) + Double(ag)
                        sgx += Double(vgx.sum()) + Double(agx)
                        start = end
                    }
                }
                dGamma[ch] += Float(sgx)
                dBeta[ch] += Float(sg)
                // Pass 2: dx = γ/σ · (g − Σg/N − x̂·Σgx̂/N).
                let k1 = Float(sg) / count, k2 = Float(sgx) / count
                for i in 0..<n {
                    BatchNorm.inputGradient(x.channel(i, ch), dy.channel(i, ch), dx.channel(i, ch), plane,
                                            a: a, b: b, mean: mean, inv: inv, k1: k1, k2: k2, slope: slope, accumulate: accumulate)
                }
            }
        }
    }

    /// dst = act(a·src + b) over n floats, 16 lanes at a time.
    @inline(__always)
    static func affineAct(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int,
                          a: Float, b: Float, slope: Float) {
        let rs = UnsafeRawPointer(src), rd = UnsafeMutableRawPointer(dst)
        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b), vs = SIMD16<Float>(repeating: slope)
        var j = 0
        while j + 16 <= n {
            let z = va * rs.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) + vb
            rd.storeBytes(of: slope == 1 ? z : z.replacing(with: z * vs, where: z .<= 0), toByteOffset: j * 4, as: SIMD16<Float>.self)
            j += 16
        }
        while j < n {
            let z = a * src[j] + b
            dst[j] = z > 0 ? z : z * slope
            j += 1
        }
    }

    /// d (=, or +=) a·(g·act'(z) − k1 − x̂·k2) with z = a·x + b and x̂ = (x − mean)·inv, 16 lanes at a time.
    @inline(__always)
    static func inputGradient(_ src: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ n: Int,
                              a: Float, b: Float, mean: Float, inv: Float, k1: Float, k2: Float, slope: Float, accumulate: Bool) {
        let rs = UnsafeRawPointer(src), rg = UnsafeRawPointer(g), rd = UnsafeMutableRawPointer(d)
        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b), vs = SIMD16<Float>(repeating: slope)
        let vmean = SIMD16<Float>(repeating: mean), vinv = SIMD16<Float>(repeating: inv)
        let vk1 = SIMD16<Float>(repeating: k1), vk2 = SIMD16<Float>(repeating: k2)
        var j = 0
        while j + 16 <= n {
            let xv = rs.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
            var gv = rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
            if slope != 1 { gv = gv.replacing(with: gv * vs, where: va * xv + vb .<= 0) }
            var v = va * (gv - vk1 - (xv - vmean) * vinv * vk2)
            if accumulate { v += rd.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) }
            rd.storeBytes(of: v, toByteOffset: j * 4, as: SIMD16<Float>.self)
            j += 16
        }
        while j < n {
            var gj = g[j]
            if slope != 1 && a * src[j] + b <= 0 { gj *= slope }
            let v = a * (gj - k1 - (src[j] - mean) * inv * k2)
            if accumulate { d[j] += v } else { d[j] = v }
            j += 1
        }
    }
}
