/// Precomputed resampling weights along one axis (Pillow's scheme): output pixel i is centred at
/// input coordinate (i + 0.5)·s with s = in/out; when shrinking (s > 1) the kernel is widened by s
/// so that it averages over the pixels it replaces (antialiasing). Taps falling outside the image
/// are dropped and the remaining weights renormalised to sum 1, which is what keeps flat regions
/// flat right up to the border.
struct ResampleAxis {
    let inSize: Int
    let outSize: Int
    /// Taps per output pixel (the widest window; shorter windows are padded with zero weights).
    let taps: Int
    /// First input index each output pixel reads (always ≤ inSize − taps).
    let starts: [Int]
    /// `outSize × taps` weights, row per output pixel.
    let weights: [Float]

    init(inSize: Int, outSize: Int, kernel: ResampleKernel) {
        self.inSize = inSize
        self.outSize = outSize
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = kernel.support * filterScale
        let taps = min(Int(support.rounded(.up)) * 2 + 1, inSize)
        var starts = [Int](repeating: 0, count: outSize)
        var weights = [Float](repeating: 0, count: outSize * taps)
        var w = [Double](repeating: 0, count: taps)
        for i in 0..<outSize {
            let centre = (Double(i) + 0.5) * scale
            var lo = max(Int((centre - support + 0.5).rounded(.down)), 0)
            let hi = min(Int((centre + support + 0.5).rounded(.down)), inSize)
            var count = max(hi - lo, 0)
            if count > taps { count = taps }
            if lo + count > inSize { lo = inSize - count }
            var sum = 0.0
            for k in 0..<count {
                let v = kernel.weight((Double(lo + k) + 0.5 - centre) / filterScale)
                w[k] = v
                sum += v
            }
            if count == 0 || sum == 0 {
                // Degenerate window (cannot happen for sizes ≥ 1, kept for safety): nearest pixel.
                lo = min(max(Int(centre), 0), inSize - 1)
                count = 1
                w[0] = 1
                sum = 1
            }
            // Every window spans `taps` inputs inside the image, so the passes never read past a row:
            // a window near the end starts earlier and its weights sit at an offset.
            let start = min(lo, inSize - taps)
            starts[i] = start
            for k in 0..<count { weights[i * taps + (lo - start) + k] = Float(w[k] / sum) }
        }
        self.taps = taps
        self.starts = starts
        self.weights = weights
    }
}
