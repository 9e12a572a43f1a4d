import Glibc

/// A small, fast, seedable PRNG (xoshiro256**, seeded through SplitMix64) so that every random draw
/// in dip — weights, the net input z, per-step perturbations, synthetic noise and masks — is the same
/// for the same seed on every run. `SystemRandomNumberGenerator` is never used.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&sm); s1 = splitmix(&sm); s2 = splitmix(&sm); s3 = splitmix(&sm)
    }

    /// An independent stream for a named purpose (e.g. "weights", "noise"), so adding draws to one
    /// purpose does not shift the numbers another purpose sees.
    public init(seed: UInt64, stream: String) {
        self.init(seed: SeededRandom.streamSeed(seed, stream))
    }

    /// The seed of the named stream: `seed` mixed with the FNV-1a hash of the name.
    public static func streamSeed(_ seed: UInt64, _ stream: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return seed ^ h
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUniformDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Standard normal N(0, 1) by Box–Muller (one value per call; simple and reproducible).
    @inline(__always)
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextUniformDouble()   // (0, 1]: log is finite
        let u2 = nextUniformDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }
}

