import Glibc

/// The fixed Lanczos2 downsampler `d` of DIP's super-resolution data term (see DIP-REFERENCE,
/// "Super-resolution downsampler d"), also used by the `downscale` filter.
///
/// A separable kernel of `4·factor` taps per axis, applied as a stride-`factor` convolution after
/// replication padding, so an H×W image becomes exactly (H/f)×(W/f) (H and W multiples of f).
///
/// Tap placement and padding (why odd factors differ):
/// - even f (2, 4, 8, ...): tap t (0-based) sits at distance |t − (2f − ½)| / f from the kernel
///   centre, exactly the reference's `|i + ½ − c| / f` with 1-based i and c = (4f+2)/2. Padding is
///   1.5f pixels on each side (6 for ×4, as the reference). The kernel centre then lands on
///   j·f + (f−1)/2 in input pixels: the centre of output pixel j's footprint.
/// - odd f (1, 3, 5, 7, ...): the footprint centre j·f + (f−1)/2 is a whole pixel while a
///   half-pixel-offset kernel would sit ½ pixel off it. So the taps are placed at whole-pixel
///   distances |t − (2f − 1)| / f instead; the last tap (distance 2, where the Lanczos2 window is
///   exactly 0) has weight 0, so the kernel is symmetric about tap 2f − 1. Padding is
///   (3f − 1)/2 before and (3f + 1)/2 after (1.5f rounded down in front, up behind): the total is
///   still 3f, which keeps the output exactly H/f, and the kernel stays exactly centred.
/// For f = 1 the kernel is the identity.
public struct Lanczos2Kernel: Sendable {
    /// Downsampling factor (≥ 1).
    public let factor: Int
    /// 1-D weights, `4·factor` of them, summing to 1 (so the separable 2-D kernel sums to 1).
    public let taps: [Float]
    /// Replication padding before the first sample on each axis (1.5f, rounded down for odd f).
    /// The padding after the last sample is `3·factor − padding` (see `paddingAfter`).
    public var padding: Int
    /// Replication padding after the last sample on each axis, so that the output is exactly size/f.
    public var paddingAfter: Int { 3 * factor - padding }

    /// Builds the kernel for `factor` (1...64).
    public init(factor: Int) throws {
        guard factor >= 1, factor <= 64 else {
            throw EngineError.badConfiguration("Lanczos2 factor \(factor) must be in 1...64")
        }
        self.factor = factor
        let n = 4 * factor
        let centre = factor % 2 == 0 ? Double(2 * factor) - 0.5 : Double(2 * factor - 1)
        var w = [Double](repeating: 0, count: n)
        for t in 0..<n {
            let d = abs(Double(t) - centre) / Double(factor)
            w[t] = Lanczos2Kernel.weight(d)
        }
        let sum = w.reduce(0, +)
        taps = w.map { Float($0 / sum) }
        padding = factor % 2 == 0 ? 3 * factor / 2 : (3 * factor - 1) / 2
    }

    /// The Lanczos2 window: 2·sin(πd)·sin(πd/2) / (π²d²), 1 at d = 0, 0 for |d| ≥ 2.
    static func weight(_ d: Double) -> Double {
        if d == 0 { return 1 }
        if d >= 2 { return 0 }
        let p = Double.pi * d
        return 2 * sin(p) * sin(p / 2) / (p * p)
    }

    /// Sample layout of the images `downsample` reads and writes.
    public enum Layout: Sendable {
        /// Row-major, channel fastest (FilterAPI's `Image.pixels`): index (y·W + x)·C + c.
        case interleaved
        /// Channel planes (CHW, the engine's layout): index (c·H + y)·W + x.
        case planar
    }

    /// Downsamples `src` (height × width × channels in `layout`) by `kernel.factor` into `dst`
    /// ((height/f) × (width/f) × channels in the same layout). Width and height must be positive
    /// multiples of the factor; `dst` must hold (height/f)·(width/f)·channels floats. Samples are
    /// not clamped (Lanczos overshoots a little; clamp afterwards if the result must stay in [0,1]).
    /// Allocates one temporary of height·(width/f)·channels floats; not meant for a hot loop.
    public static func downsample(_ src: UnsafePointer<Float>, width: Int, height: Int, channels: Int,
                                  layout: Layout, kernel: Lanczos2Kernel,
                                  into dst: UnsafeMutablePointer<Float>) throws {
        let f = kernel.factor
        guard width > 0, height > 0, channels > 0, width % f == 0, height % f == 0 else {
            throw EngineError.badInput("Lanczos2 downsample: \(width)×\(height)×\(channels) is not a positive multiple of factor \(f)")
        }
        let ow = width / f, oh = height / f
        // Strides (channel, row, pixel) of the source, temp and destination.
        let (sc, sr, sp): (Int, Int, Int) = layout == .interleaved ? (1, width * channels, channels) : (height * width, width, 1)
        let (dc, dr, dp): (Int, Int, Int) = layout == .interleaved ? (1, ow * channels, channels) : (oh * ow, ow, 1)
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: height * ow * channels)
        defer { tmp.deallocate() }
        // temp is planar: (c·height + y)·ow + ox
        kernel.taps.withUnsafeBufferPointer { tp in
            let nt = tp.count, pad = kernel.padding
            for c in 0..<channels {
                for y in 0..<height {
                    let row = src + c * sc + y * sr
                    let trow = tmp + (c * height + y) * ow
                    for ox in 0..<ow {
                        var acc: Float = 0
                        let x0 = ox * f - pad
                        for t in 0..<nt {
                            let x = min(max(x0 + t, 0), width - 1)
                            acc += tp[t] * row[x * sp]
                        }
                        trow[ox] = acc
                    }
                }
                for oy in 0..<oh {
                    let y0 = oy * f - pad
                    for ox in 0..<ow {
                        var acc: Float = 0
                        for t in 0..<nt {
                            let y = min(max(y0 + t, 0), height - 1)
                            acc += tp[t] * tmp[(c * height + y) * ow + ox]
                        }
                        dst[c * dc + oy * dr + ox * dp] = acc
                    }
                }
            }
        }
    }

    /// Array convenience around `downsample`: returns (height/f)·(width/f)·channels samples.
    public static func downsample(_ src: [Float], width: Int, height: Int, channels: Int,
                                  layout: Layout, factor: Int) throws -> [Float] {
        guard src.count == width * height * channels else {
            throw EngineError.badInput("Lanczos2 downsample: \(src.count) samples for \(width)×\(height)×\(channels)")
        }
        let kernel = try Lanczos2Kernel(factor: factor)
        guard width % factor == 0, height % factor == 0, width > 0, height > 0 else {
            throw EngineError.badInput("Lanczos2 downsample: \(width)×\(height) is not a positive multiple of factor \(factor)")
        }
        var out = [Float](repeating: 0, count: (width / factor) * (height / factor) * channels)
        try src.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { d in
                // Both buffers are non-empty here (sizes checked above).
                try downsample(s.baseAddress!, width: width, height: height, channels: channels,
                               layout: layout, kernel: kernel, into: d.baseAddress!)
            }
        }
        return out
    }
}

// MARK: - Engine use: one plane at a time with caller-provided workspace (no allocation).
extension Lanczos2Kernel {
    /// dst ((h/f) × (w/f)) = d(src (h × w)); `tmp` holds h·(w/f) floats.
    func forwardPlane(_ src: UnsafePointer<Float>, h: Int, w: Int,
                      tmp: UnsafeMutablePointer<Float>, dst: UnsafeMutablePointer<Float>) {
        let f = factor, ow = w / f, oh = h / f, pad = padding
        taps.withUnsafeBufferPointer { tp in
            let nt = tp.count
            for y in 0..<h {
                let row = src + y * w, trow = tmp + y * ow
                for ox in 0..<ow {
                    let x0 = ox * f - pad
                    var acc: Float = 0
                    if x0 >= 0 && x0 + nt <= w {
                        for t in 0..<nt { acc += tp[t] * row[x0 + t] }
                    } else {
                        for t in 0..<nt { acc += tp[t] * row[min(max(x0 + t, 0), w - 1)] }
                    }
                    trow[ox] = acc
                }
            }
            for oy in 0..<oh {
                let drow = dst + oy * ow
                for ox in 0..<ow { drow[ox] = 0 }
                let y0 = oy * f - pad
                for t in 0..<nt {
                    let s = tmp + min(max(y0 + t, 0), h - 1) * ow
                    let wt = tp[t]
                    for ox in 0..<ow { drow[ox] += wt * s[ox] }
                }
            }
        }
    }

    /// dsrc (h × w) = dᵀ(dlr ((h/f) × (w/f))), the gradient of `forwardPlane` with respect to its
    /// input; `tmp` holds h·(w/f) floats. dsrc is overwritten.
    func adjointPlane(_ dlr: UnsafePointer<Float>, h: Int, w: Int,
                      tmp: UnsafeMutablePointer<Float>, dsrc: UnsafeMutablePointer<Float>) {
        let f = factor, ow = w / f, oh = h / f, pad = padding
        tmp.update(repeating: 0, count: h * ow)
        dsrc.update(repeating: 0, count: h * w)
        taps.withUnsafeBufferPointer { tp in
            let nt = tp.count
            for oy in 0..<oh {
                let g = dlr + oy * ow
                let y0 = oy * f - pad
                for t in 0..<nt {
                    let d = tmp + min(max(y0 + t, 0), h - 1) * ow
                    let wt = tp[t]
                    for ox in 0..<ow { d[ox] += wt * g[ox] }
                }
            }
            for y in 0..<h {
                let trow = tmp + y * ow, drow = dsrc + y * w
                for ox in 0..<ow {
                    let v = trow[ox]
                    let x0 = ox * f - pad
                    for t in 0..<nt { drow[min(max(x0 + t, 0), w - 1)] += tp[t] * v }
                }
            }
        }
    }
}
