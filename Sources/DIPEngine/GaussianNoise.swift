/// Fast, reproducible standard-normal noise for the per-step input perturbation (8 M values per
/// step for the paper's nets): Box–Muller with a polynomial log and sin/cos (errors < 1e-6,
/// far below the float noise they feed) written as branch-free scalar loops that the compiler
/// vectorises, instead of libm calls that cost more than the rest of the perturbation.
enum GaussianNoise {
    /// Natural log for x > 0 (normal): x = m·2^e with m in [√½, √2), atanh series to t⁹ (musl's
    /// reduction).
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern &- 0x3F35_04F3
        let e = Int32(bitPattern: bits) >> 23
        let m = Float(bitPattern: (bits & 0x007F_FFFF) &+ 0x3F35_04F3)
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        let p = (((t2 * (1.0 / 9) + 1.0 / 7) * t2 + 1.0 / 5) * t2 + 1.0 / 3) * t2 + 1
        return 2 * t * p + Float(e) * 0.693_147_18
    }

    /// (cos 2πu, sin 2πu) for u in [0, 1].
    @inline(__always)
    static func cosSin(_ u: Float) -> (Float, Float) {
        let q4 = (u * 4).rounded(.toNearestOrEven)   // quadrant, 0...4
        let phi = (u - q4 * 0.25) * (2 * Float.pi)     // [−π/4, π/4]
        let p2 = phi * phi
        let s = (((-1.0 / 5040 * p2 + 1.0 / 120) * p2 - 1.0 / 6) * p2 + 1) * phi
        let c = (((1.0 / 40320 * p2 - 1.0 / 720) * p2 + 1.0 / 24) * p2 - 0.5) * p2 + 1
        let q = Int32(q4) & 3
        // Rotate by q quarter turns: q=1 → (−s, c), q=2 → (−c, −s), q=3 → (s, −c).
        let odd = q & 1 == 1
        let x = odd ? s : c, y = odd ? c : s
        let cosv = (q == 1 || q == 2) ? -x : x
        let sinv = q >= 2 ? -y : y
        return (cosv, sinv)
    }

    /// Values per block: `scratch` must hold 2 × block floats.
    static let block = 256

    /// dst[i] = src[i] + sigma·N(0,1) for i < count, from `rng`; `scratch` holds 2·block floats.
    static func addNoise(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                         sigma: Float, rng: inout SeededRandom, scratch: UnsafeMutablePointer<Float>) {
        let half = block / 2
        let u1 = scratch, u2 = scratch + half
        var i = 0
        while i < count {
            let n = min(block, count - i)
            let pairs = (n + 1) / 2
            for k in 0..<pairs {
                u1[k] = 1 - rng.nextUniform()   // (0, 1]
                u2[k] = rng.nextUniform()
            }
            // In place: u1 ← radius, u2 ← angle turns; then the two outputs per pair.
            for k in 0..<pairs {
                u1[k] = (-2 * log(u1[k])).squareRoot() * sigma
            }
            let s = src + i, d = dst + i
            let full = n / 2
            for k in 0..<full {
                let (c, sn) = cosSin(u2[k])
                d[2 * k] = s[2 * k] + u1[k] * c
                d[2 * k + 1] = s[2 * k + 1] + u1[k] * sn
            }
            if n & 1 == 1 {
                let (c, _) = cosSin(u2[full])
                d[n - 1] = s[n - 1] + u1[full] * c
            }
            i += n
        }
    }
}
