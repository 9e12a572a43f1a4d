/// How the decoder enlarges feature maps ×2.
public enum UpsampleMode: Sendable, Equatable {
    /// Each input pixel becomes a 2×2 block.
    case nearest
    /// Bilinear with PyTorch's align_corners=False sampling: output pixel o samples input position
    /// (o + ½)/2 − ½, clamped at the borders, i.e. weights ¾ and ¼ on the two nearest inputs.
    case bilinear
}

/// ×2 upsampling of NCHW views (the output is usually a channel slice of a concat buffer).
struct Upsample2x {
    let mode: UpsampleMode

    /// Row/column taps for output index o of an axis of input size n: (i0, w0, i1, w1).
    @inline(__always)
    static func taps(_ o: Int, _ n: Int) -> (Int, Float, Int, Float) {
        let i = o >> 1
        if o & 1 == 0 { return (i, 0.75, max(i - 1, 0), 0.25) }
        return (i, 0.75, min(i + 1, n - 1), 0.25)
    }

    func forward(x: TensorView, y: TensorView) {
        let h = x.h, w = x.w, ow = 2 * w
        let planes = x.n * x.c
        Parallel.forEach(planes, costPerItem: 4 * h * w) { range in
            for p in range {
                let src = x.channel(p / x.c, p % x.c), dst = y.channel(p / x.c, p % x.c)
                if mode == .nearest {
                    for iy in 0..<h {
                        let s = src + iy * w
                        let d0 = dst + 2 * iy * ow, d1 = d0 + ow
                        for ix in 0..<w { let v = s[ix]; d0[2 * ix] = v; d0[2 * ix + 1] = v }
                        d1.update(from: d0, count: ow)
                    }
                } else {
                    for oy in 0..<(2 * h) {
                        let (r0, wy0, r1, wy1) = Upsample2x.taps(oy, h)
                        let s0 = src + r0 * w, s1 = src + r1 * w
                        let d = dst + oy * ow
                        // Column taps: ox = 2i uses (i, i−1), ox = 2i+1 uses (i, i+1).
                        let v0 = wy0 * s0[0] + wy1 * s1[0]
                        d[0] = v0
                        var prev = v0
                        for ix in 0..<w {
                            let cur = ix == 0 ? v0 : wy0 * s0[ix] + wy1 * s1[ix]
                            let next = ix + 1 < w ? wy0 * s0[ix + 1] + wy1 * s1[ix + 1] : cur
                            if ix > 0 { d[2 * ix] = 0.75 * cur + 0.25 * prev }
                            d[2 * ix + 1] = 0.75 * cur + 0.25 * next
                            prev = cur
                        }
                    }
                }
            }
        }
    }

    /// Scratch floats `backward` needs for a `dx` of this shape (one row of 2w per plane).
    static func scratchFloats(n: Int, c: Int, w: Int) -> Int { n * c * 2 * w }

    /// dx (=, or += with `accumulate`) the adjoint of `forward` applied to dy. Gather form: each
    /// input pixel sums its output pixels in a fixed order (vectorisable, no zeroing pass).
    /// `scratch` holds `scratchFloats` floats.
    func backward(dy: TensorView, dx: TensorView, accumulate: Bool, scratch: UnsafeMutablePointer<Float>) {
        let h = dx.h, w = dx.w, ow = 2 * w
        let planes = dx.n * dx.c
        Parallel.forEach(planes, costPerItem: 4 * h * w) { range in
            for p in range {
                let g = dy.channel(p / dx.c, p % dx.c), d = dx.channel(p / dx.c, p % dx.c)
                if mode == .nearest {
                    for iy in 0..<h {
                        let g0 = g + 2 * iy * ow, g1 = g0 + ow
                        let dr = d + iy * w
                        for ix in 0..<w {
                            let v = (g0[2 * ix] + g0[2 * ix + 1]) + (g1[2 * ix] + g1[2 * ix + 1])
                            dr[ix] = accumulate ? dr[ix] + v : v
                        }
                    }
                    continue
                }
                let t = scratch + p * ow
                for iy in 0..<h {
                    // Rows: out rows 2i and 2i+1 weigh ¾, 2i−1 and 2i+2 weigh ¼; at the borders the
                    // clamped neighbour folds back (out row 0 / 2h−1 weigh 1).
                    let r0 = g + 2 * iy * ow, r1 = r0 + ow
                    let up: UnsafeMutablePointer<Float> = iy > 0 ? r0 - ow : r0
                    let down: UnsafeMutablePointer<Float> = iy < h - 1 ? r1 + ow : r1
                    for ox in 0..<ow { t[ox] = 0.75 * (r0[ox] + r1[ox]) + 0.25 * (up[ox] + down[ox]) }
                    let dr = d + iy * w
                    for ix in 0..<w {
                        let left = ix > 0 ? t[2 * ix - 1] : t[0]
                        let right = ix < w - 1 ? t[2 * ix + 2] : t[ow - 1]
                        let v = 0.75 * (t[2 * ix] + t[2 * ix + 1]) + 0.25 * (left + right)
                        dr[ix] = accumulate ? dr[ix] + v : v
                    }
                }
            }
        }
    }
}
