import Glibc

/// Hard thresholding in sliding DCT blocks: every block keeps only its coefficients of magnitude
/// at least the threshold (and always its DC), and overlapping blocks are averaged with weights
/// 1 / (kept coefficients) — sparser blocks, the surer ones, count more (Guleryuz 2006). The step
/// both sparse fills iterate: `DCTInpainting` (16×16, known pixels put back after it) and the sr
/// filter's fast preset (8×8, back-projection after it).
public enum DCTThreshold {
    public enum Block: Int, Sendable { case eight = 8, sixteen = 16 }

    /// `planes` (channels × height × width, sides at least the block) thresholded at `threshold`
    /// with blocks every `stride` pixels. Returns `planes` unchanged when a side is under a block.
    public static func apply(_ planes: [Float], channels: Int, height: Int, width: Int, threshold: Float,
                             stride: Int, block: Block) -> [Float] {
        guard height >= block.rawValue, width >= block.rawValue, stride >= 1,
              planes.count == channels * height * width else { return planes }
        switch block {
        case .eight:
            return SlidingDCT8.blocks.shrink(planes, pilot: nil, channels: channels, height: height, width: width,
                                             stride: stride) { b, _ in keepLarge(&b, threshold) }
        case .sixteen:
            return SlidingDCT16.blocks.shrink(planes, pilot: nil, channels: channels, height: height, width: width,
                                              stride: stride) { b, _ in keepLarge(&b, threshold) }
        }
    }

    /// The threshold of pass `i` (0-based) of `n`, falling geometrically from `start` to `end`, so
    /// coarse structure settles before fine texture is let in.
    public static func schedule(_ i: Int, of n: Int, from start: Float, to end: Float) -> Float {
        guard n > 1 else { return end }
        return start * pow(end / start, Float(min(max(i, 0), n - 1)) / Float(n - 1))
    }

    /// Zeroes the coefficients under `t` in magnitude but the DC; returns 1 / (coefficients kept).
    @inline(__always)
    static func keepLarge<Row: SIMD>(_ block: inout [Row], _ t: Float) -> Float where Row.Scalar == Float {
        let threshold = Row(repeating: t), zero = Row(repeating: 0), one = Row(repeating: 1)
        let dc = block[0][0]
        var kept = Row(repeating: 0)
        for k in 0..<Row.scalarCount {
            let b = block[k]
            let keep = b.replacing(with: -b, where: b .< zero) .>= threshold
            block[k] = zero.replacing(with: b, where: keep)
            kept += zero.replacing(with: one, where: keep)
        }
        if abs(dc) < t { block[0][0] = dc; kept[0] += 1 }
        return 1 / max(kept.sum(), 1)
    }
}
