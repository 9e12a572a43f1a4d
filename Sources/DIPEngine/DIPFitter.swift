import Glibc

/// Fits DIP's skip net to one image: θ* = argmin_θ E(f_θ(z); x̂) by Adam, one `step()` at a time.
///
/// Everything is planned in `init` for the given size (activations, gradients, workspaces,
/// optimizer state); `step()` allocates nothing. With the same seed, configuration and inputs the
/// results are identical bit for bit on one machine (own PRNG, per-channel reductions in a fixed
/// order, OpenBLAS with a fixed thread count).
///
/// Typical use (the restoration filters): pad the image to a multiple of `config.sizeMultiple`,
/// make the fitter, call `step()` N times (reporting progress from `lastPSNR`), read
/// `averagedOutput ?? output` and crop back.
public final class DIPFitter {
    public let config: SkipNetConfig
    public let height: Int, width: Int
    public let options: FitOptions
    private let net: SkipNet
    private var loss: LossEvaluator
    private let adam: Adam
    /// The fixed input z (never changed).
    private let z: FloatBuffer
    private let lastGood: FloatBuffer?
    private let average: FloatBuffer?
    private var lastGoodPSNR: Double = -Double.infinity
    private let noiseStream: UInt64
    /// Scratch of the noise generator: 2·block floats per 64 Ki chunk of z.
    private let noiseScratch: FloatBuffer
    static let noiseChunk = 1 << 16
    private var averageStarted = false

    public private(set) var stepsDone = 0
    /// PSNR (dB) of the latest output against the degraded target (see `LossEvaluator.psnr`).
    public private(set) var lastPSNR: Double = 0
    /// Loss of the latest step.
    public private(set) var lastLoss: Float = 0
    /// Steps whose update the divergence guard rejected.
    public private(set) var rejectedSteps = 0

    /// Forward multiply-accumulates of one net evaluation.
    public var forwardMACs: Int { net.macs }
    /// Number of trainable parameters.
    public var parameterCount: Int { net.parameterCount }
    /// Bytes planned for activations, gradients, workspaces and optimizer state.
    public var plannedBytes: Int { net.plannedBytes + 2 * net.parameterCount * 4 }

    /// Bytes a fit of `config` at `width`×`height` holds, planned without allocating: the net's
    /// plan (`SkipNet.plannedBytes`) plus the image-sized buffers around it — z, the output
    /// average, the data term's targets and mask, and the estimates a run keeps (a residual base,
    /// the last finite estimate, the result). Tiling sizes its tiles with it.
    public static func plannedBytes(config: SkipNetConfig, height: Int, width: Int) throws -> Int {
        let net = try SkipNet.plannedBytes(config: config, height: height, width: width)
        let plane = height * width
        let extra = (config.inputDepth + 6 * config.outputChannels + 2) * plane * MemoryLayout<Float>.size
        let (sum, overflow) = net.addingReportingOverflow(extra)
        return overflow ? .max : sum
    }

    /// - Parameters:
    ///   - config: the net; `config.inputDepth` must equal `input.depth`.
    ///   - height, width: the image size, multiples of `config.sizeMultiple`.
    ///   - input: the fixed net input z.
    ///   - data: the data term and its target(s), planar CHW with `config.outputChannels` channels.
    ///   - options: learning rate, perturbation, EMA, guard, seed.
    /// Throws `EngineError` for unusable configurations or inputs, or when OpenBLAS is missing.
    public init(config: SkipNetConfig, height: Int, width: Int, input: NetInput, data: DataTerm,
                options: FitOptions) throws {
        try BLAS.load()
        try config.validate()
        guard input.depth == config.inputDepth else {
            throw EngineError.badConfiguration("net input has \(input.depth) channels but the configuration's inputDepth is \(config.inputDepth)")
        }
        guard options.learningRate.isFinite, options.learningRate > 0 else {
            throw EngineError.badConfiguration("learning rate \(options.learningRate) must be positive")
        }
        guard options.regNoiseStd.isFinite, options.regNoiseStd >= 0 else {
            throw EngineError.badConfiguration("reg_noise_std \(options.regNoiseStd) must be ≥ 0")
        }
        if let d = options.emaDecay, !(d >= 0 && d < 1) {
            throw EngineError.badConfiguration("EMA decay \(d) must be in [0, 1)")
        }
        self.config = config; self.height = height; self.width = width; self.options = options
        net = try SkipNet(config: config, batch: 1, height: height, width: width, seed: options.seed,
                            memoryBudget: options.memoryBudget)
        if options.zeroHead { net.zeroHead() }
        loss = try LossEvaluator(term: data, channels: config.outputChannels, h: height, w: width)
        adam = Adam(count: net.parameterCount)
        let plane = height * width
        let z = FloatBuffer(count: config.inputDepth * plane)
        self.z = z
        switch input {
        case .uniformNoise(_, let scale):
            var rng = SeededRandom(seed: options.seed, stream: "input")
            for i in 0..<z.count { z.pointer[i] = rng.nextUniform() * scale }
        case .meshgrid:
            let sx = width > 1 ? 1 / Float(width - 1) : 0, sy = height > 1 ? 1 / Float(height - 1) : 0
            for y in 0..<height {
                for x in 0..<width {
                    z.pointer[y * width + x] = Float(x) * sx
                    z.pointer[plane + y * width + x] = Float(y) * sy
                }
            }
        case .image(let planar, let channels):
            guard planar.count == channels * plane else {
                throw EngineError.badInput("input image has \(planar.count) values, expected \(channels)×\(height)×\(width)")
            }
            planar.withUnsafeBufferPointer { z.pointer.update(from: $0.baseAddress!, count: planar.count) }
        }
        net.input.base.update(from: z.pointer, count: z.count)
        noiseScratch = FloatBuffer(count: (z.count + DIPFitter.noiseChunk - 1) / DIPFitter.noiseChunk * 2 * GaussianNoise.block)
        lastGood = options.divergenceGuard ? FloatBuffer(count: net.parameterCount) : nil
        average = options.emaDecay != nil ? FloatBuffer(count: config.outputChannels * plane) : nil
        noiseStream = SeededRandom.streamSeed(options.seed, "perturbation")
    }

    /// One iteration: perturb z, forward, loss, (guard,) backward, Adam, EMA. Returns the loss.
    /// Allocates nothing.
    @discardableResult
    public func step() throws -> Float {
        let profiler = net.profiler
        if options.regNoiseStd > 0 { profiler.measure(.perturb) { perturbInput() } }
        net.forward()
        let out = net.output, grad = net.outputGrad
        let l = profiler.measure(.loss) { loss.evaluate(out: out.base, grad: grad.base) }
        guard l.isFinite else {
            throw EngineError.badInput("loss became \(l) at step \(stepsDone + 1) (learning rate \(options.learningRate) too high?)")
        }
        let psnr = loss.psnr(loss: l)
        lastLoss = l; lastPSNR = psnr
        stepsDone += 1
        let accepted = profiler.measure(.update) { () -> Bool in
            if let lastGood {
                if psnr < lastGoodPSNR - 5 {
                    net.parameters.copy(from: lastGood)
                    rejectedSteps += 1
                    return false
                }
                lastGood.copy(from: net.parameters)
                lastGoodPSNR = psnr
            }
            updateAverage(out.base)
            net.gradients.zero()
            return true
        }
        guard accepted else { return l }
        net.backward()
        profiler.measure(.update) {
            adam.update(params: net.parameters.pointer, grads: net.gradients.pointer, learningRate: options.learningRate)
        }
        return l
    }

    /// out_avg ← decay·out_avg + (1−decay)·out once averaging has started (after `emaStart` steps).
    private func updateAverage(_ o: UnsafeMutablePointer<Float>) {
        guard let average, let decay = options.emaDecay, stepsDone > options.emaStart else { return }
        let a = average.pointer, n = average.count
        if !averageStarted {
            a.update(from: o, count: n)
            averageStarted = true
        } else {
            let d = decay, e = 1 - decay
            Parallel.forEach(n, costPerItem: 2) { r in for i in r { a[i] = d * a[i] + e * o[i] } }
        }
    }

    /// input = z + regNoiseStd·N(0,1), drawn in fixed chunks of 64Ki values, each from its own
    /// generator seeded by (seed, step, chunk), so the values do not depend on thread scheduling.
    private func perturbInput() {
        let dst = net.input.base, src = z.pointer, count = z.count
        let sigma = options.regNoiseStd
        let chunk = DIPFitter.noiseChunk
        let chunks = (count + chunk - 1) / chunk
        let base = noiseStream &+ UInt64(stepsDone) &* 0x9E37_79B9_7F4A_7C15
        Parallel.forEach(chunks, costPerItem: chunk * 8) { r in
            for ci in r {
                var rng = SeededRandom(seed: base ^ (UInt64(ci) &* 0xD1B5_4A32_D192_ED03))
                let lo = ci * chunk, hi = min(count, lo + chunk)
                GaussianNoise.addNoise(src + lo, dst + lo, count: hi - lo, sigma: sigma, rng: &rng,
                                       scratch: noiseScratch.pointer + ci * 2 * GaussianNoise.block)
            }
        }
    }

    /// The latest net output, planar CHW (outputChannels × height × width), copied.
    public var output: [Float] { withOutput { Array($0) } }

    /// Calls `body` with the latest output without copying (valid only inside `body`).
    public func withOutput<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: net.output.base, count: config.outputChannels * height * width))
    }

    /// The EMA of the outputs when `options.emaDecay` is set (nil before the first step or without EMA).
    public var averagedOutput: [Float]? {
        guard let average, averageStarted else { return nil }
        return average.array
    }

    /// Evaluates the net once on the unperturbed z (what DIP reports at the end) and returns the
    /// output, planar CHW. Does not change the weights or the step count.
    public func renderClean() -> [Float] {
        net.input.base.update(from: z.pointer, count: z.count)
        net.forward()
        return output
    }

    /// Starts accumulating per-part times (seconds); read them with `profileReport()`.
    public func enableProfiling() { net.enableProfiling() }
    /// Accumulated seconds per part of a step (see `Profiler.Part`), empty unless profiling.
    public func profileReport() -> [(String, Double)] { net.profiler?.report ?? [] }
    /// The slowest convolutions while profiling: (shape, forward s, backward s, MACs), accumulated.
    public func slowestConvolutions(_ count: Int) -> [(String, Double, Double, Int)] { net.slowestConvolutions(count) }

    /// A copy of all trainable parameters (construction order; for tests and warm starts).
    public var parameters: [Float] { net.parameters.array }

    /// Warm start on a new image of the same size (the next video frame): fits from here on to
    /// `data`, and for an image input z (flash/no-flash) takes `input`'s image as the new z; a
    /// noise or meshgrid z stays (the same z, so the fitted mapping carries over). Weights, Adam's
    /// state and the step count are kept; the output average and the divergence guard restart
    /// (an average carried over would ghost the previous frame's content wherever it moved).
    public func retarget(data: DataTerm, input: NetInput) throws {
        loss = try LossEvaluator(term: data, channels: config.outputChannels, h: height, w: width)
        if case .image(let planar, _) = input {
            guard planar.count == z.count else {
                throw EngineError.badInput("input image has \(planar.count) values, expected \(z.count)")
            }
            planar.withUnsafeBufferPointer { z.pointer.update(from: $0.baseAddress!, count: planar.count) }
            net.input.base.update(from: z.pointer, count: z.count)
        }
        lastGoodPSNR = -Double.infinity
        lastGood?.copy(from: net.parameters)
        averageStarted = false
    }

    /// Warm start (DIP-REFERENCE: weights fitted to one image are a good start for a similar one,
    /// e.g. the next video frame): replaces all parameters with `values` from `parameters` of a
    /// fitter with the same configuration. Adam's state and the step count are kept.
    public func setParameters(_ values: [Float]) throws {
        guard values.count == net.parameterCount else {
            throw EngineError.badInput("warm start has \(values.count) parameters, this net has \(net.parameterCount)")
        }
        guard values.allSatisfy({ $0.isFinite }) else {
            throw EngineError.badInput("warm start parameters contain NaN or infinity")
        }
        values.withUnsafeBufferPointer { net.parameters.pointer.update(from: $0.baseAddress!, count: values.count) }
        lastGood?.copy(from: net.parameters)
    }
}
