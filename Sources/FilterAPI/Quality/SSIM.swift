import Glibc

/// The SSIM map of Wang et al. (2004), averaged: separable Gaussian filtering of x, y, x², y², xy
/// over the "valid" window positions, then the usual closed form per position.
enum SSIM {
    static let k1 = 0.01, k2 = 0.03, sigma = 1.5, fullWindow = 11

    /// Mean SSIM of two planes of the same size, dynamic range 1.
    static func mean(_ x: QualityPlane, _ y: QualityPlane) -> Double {
        let size = windowSize(width: x.width, height: x.height)
        let g = gaussian(size: size)
        let mx = filter(x.samples, x.width, x.height, g)
        let my = filter(y.samples, x.width, x.height, g)
        let xx = filter(zip(x.samples, x.samples).map { $0 * $1 }, x.width, x.height, g)
        let yy = filter(zip(y.samples, y.samples).map { $0 * $1 }, x.width, x.height, g)
        let xy = filter(zip(x.samples, y.samples).map { $0 * $1 }, x.width, x.height, g)
        let c1 = k1 * k1, c2 = k2 * k2
        var total = 0.0
        for i in 0..<mx.count {
            let ux = mx[i], uy = my[i]
            let vx = xx[i] - ux * ux, vy = yy[i] - uy * uy, cov = xy[i] - ux * uy
            total += ((2 * ux * uy + c1) * (2 * cov + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
        }
        return mx.isEmpty ? 1 : total / Double(mx.count)
    }

    /// 11, or the largest odd size that fits a smaller image.
    static func windowSize(width: Int, height: Int) -> Int {
        let side = min(fullWindow, width, height)
        return side % 2 == 1 ? side : side - 1
    }

    /// 1-D Gaussian taps (σ = 1.5) normalised to sum 1; the 2-D window is their outer product.
    static func gaussian(size: Int) -> [Double] {
        let half = Double(size - 1) / 2
        let taps = (0..<size).map { exp(-pow(Double($0) - half, 2) / (2 * sigma * sigma)) }
        let sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }

    /// Separable "valid" filtering: output is (w − k + 1) × (h − k + 1).
    static func filter(_ p: [Double], _ w: Int, _ h: Int, _ g: [Double]) -> [Double] {
        let k = g.count, ow = w - k + 1, oh = h - k + 1
        guard ow > 0, oh > 0, p.count >= w * h else { return [] }
        var rows = [Double](repeating: 0, count: ow * h)
        var out = [Double](repeating: 0, count: ow * oh)
        p.withUnsafeBufferPointer { src in
            g.withUnsafeBufferPointer { taps in
                rows.withUnsafeMutableBufferPointer { r in
                    for y in 0..<h {
                        let inRow = y * w, outRow = y * ow
                        for x in 0..<ow {
                            var s = 0.0
                            for t in 0..<k { s += taps[t] * src[inRow + x + t] }
                            r[outRow + x] = s
                        }
                    }
                }
                out.withUnsafeMutableBufferPointer { o in
                    rows.withUnsafeBufferPointer { r in
                        for y in 0..<oh {
                            let outRow = y * ow
                            for t in 0..<k {
                                let gt = taps[t], base = (y + t) * ow
                                for x in 0..<ow { o[outRow + x] += gt * r[base + x] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
