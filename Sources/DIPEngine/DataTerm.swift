/// The data term E(f(z); x̂) the fit minimises. Targets are planar CHW floats in [0, 1].
public enum DataTerm: Sendable {
    /// Mean squared error against `target` (outputChannels × height × width): denoising, JPEG
    /// deblocking, flash/no-flash (target = the no-flash image).
    case mse(target: [Float])
    /// Σ m·(f − x̂)² / (C·H·W) with `mask` (height × width, 1 = known pixel, broadcast over
    /// channels; PyTorch's MSE of the masked tensors): inpainting and restoration.
    case maskedMSE(target: [Float], mask: [Float])
    /// Mean squared error of the Lanczos2-downsampled output against the low-resolution `target`
    /// (outputChannels × height/factor × width/factor): super-resolution.
    case downsampledMSE(target: [Float], factor: Int)
}

/// The data term bound to buffers for one image size: computes the loss and dL/d(output) in one
/// pass without allocating.
final class LossEvaluator {
    let channels: Int, h: Int, w: Int
    let target: FloatBuffer
    let mask: FloatBuffer?
    let kernel: Lanczos2Kernel?
    /// Low-resolution output and per-channel workspace (super-resolution only).
    let lowRes: FloatBuffer?, lowResGrad: FloatBuffer?, work: FloatBuffer?
    /// Per-channel partial sums (fixed reduction order).
    let partial: UnsafeMutablePointer<Double>
    let knownFraction: Double

    init(term: DataTerm, channels: Int, h: Int, w: Int) throws {
        self.channels = channels; self.h = h; self.w = w
        let full = channels * h * w
        switch term {
        case .mse(let t):
            guard t.count == full else { throw EngineError.badInput("target has \(t.count) values, expected \(channels)×\(h)×\(w) = \(full)") }
            target = LossEvaluator.buffer(t); mask = nil; kernel = nil; lowRes = nil; lowResGrad = nil; work = nil
            knownFraction = 1
        case .maskedMSE(let t, let m):
            guard t.count == full else { throw EngineError.badInput("target has \(t.count) values, expected \(channels)×\(h)×\(w) = \(full)") }
            guard m.count == h * w else { throw EngineError.badInput("mask has \(m.count) values, expected \(h)×\(w) = \(h * w)") }
            target = LossEvaluator.buffer(t); mask = LossEvaluator.buffer(m); kernel = nil; lowRes = nil; lowResGrad = nil; work = nil
            knownFraction = max(m.reduce(0.0) { $0 + Double($1) } / Double(h * w), 1e-12)
        case .downsampledMSE(let t, let f):
            let k = try Lanczos2Kernel(factor: f)
            guard h % f == 0, w % f == 0 else { throw EngineError.badInput("image \(w)×\(h) is not a multiple of the super-resolution factor \(f)") }
            let lr = channels * (h / f) * (w / f)
            guard t.count == lr else { throw EngineError.badInput("low-resolution target has \(t.count) values, expected \(channels)×\(h / f)×\(w / f) = \(lr)") }
            target = LossEvaluator.buffer(t); mask = nil; kernel = k
            lowRes = FloatBuffer(count: lr); lowResGrad = FloatBuffer(count: lr)
            work = FloatBuffer(count: channels * h * (w / f))
            knownFraction = 1
        }
        partial = .allocate(capacity: max(channels, 1))
        partial.initialize(repeating: 0, count: max(channels, 1))
    }

    deinit { partial.deallocate() }

    private static func buffer(_ a: [Float]) -> FloatBuffer {
        let b = FloatBuffer(count: a.count)
        a.withUnsafeBufferPointer { b.pointer.update(from: $0.baseAddress!, count: a.count) }
        return b
    }

    /// Returns the loss of `out` (channels × h × w) and writes dL/d(out) into `grad`.
    func evaluate(out: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>) -> Float {
        let plane = h * w
        let t = target.pointer, partial = self.partial
        if let kernel, let lowRes, let lowResGrad, let work {
            let f = kernel.factor, lp = (h / f) * (w / f)
            let scale = Float(2.0 / Double(channels * lp))
            Parallel.forEach(channels, costPerItem: 8 * plane) { r in
                for c in r {
                    let lr = lowRes.pointer + c * lp, g = lowResGrad.pointer + c * lp
                    kernel.forwardPlane(out + c * plane, h: h, w: w, tmp: work.pointer + c * h * (w / f), dst: lr)
                    var s = 0.0
                    for i in 0..<lp {
                        let d = lr[i] - t[c * lp + i]
                        s += Double(d * d)
                        g[i] = scale * d
                    }
                    partial[c] = s
                    kernel.adjointPlane(g, h: h, w: w, tmp: work.pointer + c * h * (w / f), dsrc: grad + c * plane)
                }
            }
            var s = 0.0
            for c in 0..<channels { s += partial[c] }
            return Float(s / Double(channels * lp))
        }
        let scale = Float(2.0 / Double(channels * plane))
        let m = mask?.pointer
        Parallel.forEach(channels, costPerItem: plane) { r in
            for c in r {
                let o = out + c * plane, tt = t + c * plane, g = grad + c * plane
                var s = 0.0
                var start = 0
                while start < plane {
                    let end = min(plane, start + 4096)
                    var acc: Float = 0
                    if let m {
                        for i in start..<end { let d = (o[i] - tt[i]) * m[i]; acc += d * d; g[i] = scale * d * m[i] }
                    } else {
                        for i in start..<end { let d = o[i] - tt[i]; acc += d * d; g[i] = scale * d }
                    }
                    s += Double(acc)
                    start = end
                }
                partial[c] = s
            }
        }
        var s = 0.0
        for c in 0..<channels { s += partial[c] }
        return Float(s / Double(channels * plane))
    }

    /// PSNR (dB) of the output against the degraded target implied by `loss`: for the masked term
    /// only the known pixels count; for super-resolution it compares d(output) with the LR input.
    func psnr(loss: Float) -> Double {
        let mse = Double(loss) / knownFraction
        return mse > 0 ? -10 * log10(mse) : 100
    }
}

import Glibc
