import ArgumentParser
import DIPEngine
import FilterAPI
import Foundation

/// `dip-bench curve`: a research tool for choosing presets. Adds seeded σ noise to a clean image,
/// runs one denoising method with the settings given, and prints, every `--every` steps, the
/// seconds so far and the PSNR against the clean image of the estimate the method would return,
/// with the signals a stopping rule can see (no ground truth): the estimate's residual against the
/// noisy input relative to the estimated σ², and the running variance of the outputs (ES-EMV).
struct CurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve", abstract: "PSNR-against-time curve of one denoising set-up (for choosing presets).")

    @Option(help: "Clean image.") var image: String
    @Option(help: "Noise σ on the 0-255 scale.") var sigma = 25.0
    @Option(help: "dip or zsn2n.") var method = "dip"
    @Option(help: "Steps.") var steps = 1000
    @Option(help: "Log every N steps.") var every = 25
    @Option(help: "Learning rate (default: 0.01 for dip, 0.001 for zsn2n).") var lr: Double?
    @Option(help: "dip: channels per level.") var channels = "16,32,64,128,128"
    @Option(help: "dip: skip channels per level (one number for all).") var skip = 4
    @Option(help: "dip: input perturbation σ.") var regNoise = 1.0 / 30
    @Option(help: "dip: EMA decay of the outputs (0 = none).") var ema = 0.99
    @Option(help: "dip: step after which averaging starts.") var emaStart = 0
    @Option(help: "zsn2n: hidden channels.") var features = 48
    @Option(help: "zsn2n: steps between learning-rate halvings.") var decayEvery = 1000
    @Flag(help: "zsn2n: without the consistency term.") var noConsistency = false
    @Option(help: "Seed.") var seed: UInt64 = 1

    func run() throws {
        let clean = try ImageCodec.read(path: image)
        let c = clean.colorChannels, w = clean.width, h = clean.height
        let gt = Planes.of(clean)
        var rng = SeededRandom(seed: seed, stream: "curve-noise")
        let noisy = gt.map { Float(min(max(Double($0) + sigma / 255 * rng.nextGaussian(), 0), 1)) }
        let sigmaHat = NoiseLevel.sigma(noisy, channels: c, height: h, width: w)
        print("# \(image) \(w)x\(h) sigma \(sigma) estimated \(String(format: "%.2f", sigmaHat * 255)); input PSNR \(String(format: "%.2f", Planes.psnr(noisy, gt)))")
        print("step\tseconds\tpsnr\tresidual/sigma2\temv")
        var emv = EMV(count: noisy.count)
        let start = MonotonicClock.now()
        func log(_ step: Int, _ estimate: [Float]) {
            let resid = Planes.mse(estimate, noisy) / (sigmaHat * sigmaHat)
            print(String(format: "%d\t%.1f\t%.3f\t%.4f\t%.3e", step, MonotonicClock.now() - start,
                         Planes.psnr(estimate, gt), resid, emv.variance))
            fflush(stdout)
        }
        if method == "zsn2n" {
            let pw = w + w % 2, ph = h + h % 2
            var o = ZeroShotDenoiser.Options()
            o.learningRate = Float(lr ?? 0.001); o.features = features; o.decayEvery = decayEvery
            o.consistency = !noConsistency; o.seed = seed
            let z = try ZeroShotDenoiser(image: Planes.pad(noisy, c, h, w, ph, pw), channels: c, height: ph, width: pw, options: o)
            for step in 1...steps {
                try z.step()
                if step % every == 0 || step == steps { log(step, Planes.crop(z.denoised(), c, ph, pw, h, w)) }
            }
            return
        }
        let ch = channels.split(separator: ",").compactMap { Int($0) }
        let multiple = 1 << ch.count
        let pw = (w + multiple - 1) / multiple * multiple, ph = (h + multiple - 1) / multiple * multiple
        let config = SkipNetConfig(inputDepth: 32, outputChannels: c, down: ch, up: ch,
                                   skip: Array(repeating: skip, count: ch.count),
                                   upsample: Array(repeating: .bilinear, count: ch.count))
        var options = FitOptions(learningRate: Float(lr ?? 0.01), regNoiseStd: Float(regNoise),
                                 emaDecay: ema > 0 ? Float(ema) : nil, divergenceGuard: true, seed: seed)
        options.emaStart = emaStart
        let fitter = try DIPFitter(config: config, height: ph, width: pw, input: .uniformNoise(depth: 32, scale: 0.1),
                                   data: .mse(target: Planes.pad(noisy, c, h, w, ph, pw)), options: options)
        for step in 1...steps {
            try fitter.step()
            let out = Planes.crop(fitter.output, c, ph, pw, h, w)
            emv.add(out)
            if step % every == 0 || step == steps {
                log(step, fitter.averagedOutput.map { Planes.crop($0, c, ph, pw, h, w) } ?? out)
            }
        }
    }
}

/// ES-EMV (Wang et al.): exponential moving mean and variance of the outputs, α = 0.1.
struct EMV {
    var mean: [Float], variance = 0.0, started = false
    init(count: Int) { mean = [Float](repeating: 0, count: count) }
    mutating func add(_ x: [Float]) {
        let a: Float = 0.1
        if !started { mean = x; started = true; return }
        var s = 0.0
        for i in 0..<x.count { let d = x[i] - mean[i]; s += Double(d * d); mean[i] += a * d }
        variance = (1 - 0.1) * variance + 0.1 * 0.9 * s / Double(x.count)
    }
}

/// Planar helpers for the research commands.
enum Planes {
    static func of(_ image: Image) -> [Float] {
        let c = image.colorChannels, n = image.pixelCount
        var out = [Float](repeating: 0, count: c * n)
        for i in 0..<n { for k in 0..<c { out[k * n + i] = image.pixels[i * image.channels + k] } }
        return out
    }
    static func pad(_ p: [Float], _ c: Int, _ h: Int, _ w: Int, _ ph: Int, _ pw: Int) -> [Float] {
        var out = [Float](repeating: 0, count: c * ph * pw)
        for k in 0..<c { for y in 0..<ph { for x in 0..<pw {
            out[(k * ph + y) * pw + x] = p[(k * h + Reflection.index(y, h)) * w + Reflection.index(x, w)]
        } } }
        return out
    }
    static func crop(_ p: [Float], _ c: Int, _ ph: Int, _ pw: Int, _ h: Int, _ w: Int) -> [Float] {
        var out = [Float](repeating: 0, count: c * h * w)
        for k in 0..<c { for y in 0..<h { for x in 0..<w { out[(k * h + y) * w + x] = p[(k * ph + y) * pw + x] } } }
        return out
    }
    static func mse(_ a: [Float], _ b: [Float]) -> Double {
        var s = 0.0
        for i in 0..<a.count { let d = Double(min(max(a[i], 0), 1) - b[i]); s += d * d }
        return s / Double(a.count)
    }
    /// PSNR of `a` quantised to 8 bits, as a user's PNG holds it, against `b`.
    static func psnr(_ a: [Float], _ b: [Float]) -> Double {
        let q = a.map { (min(max($0, 0), 1) * 255).rounded() / 255 }
        return 10 * log10(1 / mse(q, b))
    }
}
