@testable import DIPEngine

/// Naive direct convolution and its adjoints (the reference every fast conv path is checked
/// against), with the layer's padding rule, summed in Double.
struct ReferenceConv {
    let layer: Conv2D

    /// Source index of padded coordinate i along a side of `size`, nil for a zero pad.
    private func map(_ i: Int, _ size: Int) -> Int? {
        if i >= 0 && i < size { return i }
        if layer.padding == .zero { return nil }
        return i < 0 ? -i : 2 * (size - 1) - i
    }

    /// Visits every (output element, weight index, input index) triple of one image.
    private func forEachTap(_ body: (_ out: Int, _ weight: Int, _ input: Int) -> Void) {
        let l = layer, p = l.pad
        for co in 0..<l.cout {
            for oy in 0..<l.ho {
                for ox in 0..<l.wo {
                    for ci in 0..<l.cin {
                        for ky in 0..<l.k {
                            guard let iy = map(oy * l.stride + ky - p, l.h) else { continue }
                            for kx in 0..<l.k {
                                guard let ix = map(ox * l.stride + kx - p, l.w) else { continue }
                                body((co * l.ho + oy) * l.wo + ox, ((co * l.cin + ci) * l.k + ky) * l.k + kx,
                                     (ci * l.h + iy) * l.w + ix)
                            }
                        }
                    }
                }
            }
        }
    }

    /// y = conv(x) + bias for `n` images; `round` is applied to every weight and input value
    /// first (identity for fp32, bf16 rounding to check the bf16 path exactly).
    func forward(x: UnsafePointer<Float>, n: Int, params: UnsafePointer<Float>,
                 round: (Float) -> Float = { $0 }) -> [Float] {
        let l = layer, outPlane = l.cout * l.ho * l.wo, inPlane = l.cin * l.h * l.w
        var out = [Double](repeating: 0, count: n * outPlane)
        for img in 0..<n {
            for co in 0..<l.cout {
                for i in 0..<(l.ho * l.wo) { out[img * outPlane + co * l.ho * l.wo + i] = Double(params[l.biasOffset + co]) }
            }
            forEachTap { o, wi, xi in
                out[img * outPlane + o] += Double(round(params[l.weightOffset + wi])) * Double(round(x[img * inPlane + xi]))
            }
        }
        return out.map { Float($0) }
    }

    /// (dW, dx) of Σ dy·y for `n` images (dW over all images; no bias), operands rounded by `round`.
    func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  round: (Float) -> Float = { $0 }) -> (dW: [Float], dx: [Float]) {
        let l = layer, outPlane = l.cout * l.ho * l.wo, inPlane = l.cin * l.h * l.w
        var dW = [Double](repeating: 0, count: l.cout * l.kdim)
        var dx = [Double](repeating: 0, count: n * inPlane)
        for img in 0..<n {
            forEachTap { o, wi, xi in
                let g = Double(round(dy[img * outPlane + o]))
                dW[wi] += g * Double(round(x[img * inPlane + xi]))
                dx[img * inPlane + xi] += g * Double(round(params[l.weightOffset + wi]))
            }
        }
        return (dW.map { Float($0) }, dx.map { Float($0) })
    }
}

/// v rounded to bfloat16 (nearest, ties to even), as the bf16 kernels round their operands.
func roundedBF16(_ v: Float) -> Float {
    var u = v.bitPattern
    u = u &+ 0x7fff &+ ((u >> 16) & 1)
    return Float(bitPattern: u & 0xffff_0000)
}
