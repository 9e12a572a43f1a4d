/// Zero-Shot Noise2Noise (Mansour & Heckel, CVPR 2023): a two-layer 3×3 conv net (48 channels,
/// LeakyReLU 0.2, a 1×1 head; ~22k parameters for colour) that predicts the noise of the image it
/// is fed, trained on the one noisy image y by pairing its two diagonal half-resolution
/// sub-images D1(y), D2(y) — their noises are independent, so each is a noisy target for the other:
///
///   loss = ½(‖D1 − (D2 − n(D2))‖² + ‖D2 − (D1 − n(D1))‖²)                      (residual)
///        + ½(‖(D1 − n(D1)) − D1(y − n(y))‖² + ‖(D2 − n(D2)) − D2(y − n(y))‖²)  (consistency)
///
/// (means over the elements). The result is y − n(y). Adam, learning rate halved every
/// `decayEvery` steps, as the reference; unlike it, the 1×1 head starts at zero (see `init`). Everything is planned in `init`; `step()` allocates
/// nothing, and the same seed gives the same bits.
public final class ZeroShotDenoiser {
    public struct Options: Sendable {
        public var learningRate: Float = 0.001
        /// Hidden channels of the two 3×3 convs.
        public var features = 48
        /// Steps between halvings of the learning rate.
        public var decayEvery = 1000
        /// Whether the consistency term (one full-resolution pass per step) is trained.
        public var consistency = true
        public var seed: UInt64 = 0
        /// Bytes the planned buffers may take; a larger plan throws `EngineError.overBudget`
        /// before anything is allocated.
        public var memoryBudget = Int.max
        public init() {}
    }

    public let channels: Int, height: Int, width: Int
    public let options: Options
    public private(set) var stepsDone = 0
    public private(set) var lastLoss: Float = 0

    /// One stack of the three convs planned for a batch at one size, with its activations.
    private final class Stack {
        let n: Int, h: Int, w: Int
        let c1: Conv2D, c2: Conv2D, c3: Conv2D
        let x: FloatBuffer, a1: FloatBuffer, a2: FloatBuffer, out: FloatBuffer
        let dOut: FloatBuffer, dA2: FloatBuffer, dA1: FloatBuffer
        init(n: Int, channels: Int, features: Int, h: Int, w: Int) throws {
            self.n = n; self.h = h; self.w = w
            // fp32 products: this denoiser's figures (README, denoise's quality preset) were
            // measured so, and its gradient test is a tight finite-difference check.
            var c1 = try Conv2D(cin: channels, cout: features, k: 3, stride: 1, padding: .zero, h: h, w: w, offset: 0)
            var c2 = try Conv2D(cin: features, cout: features, k: 3, stride: 1, padding: .zero, h: h, w: w,
                                offset: c1.parameterCount)
            var c3 = try Conv2D(cin: features, cout: channels, k: 1, stride: 1, padding: .zero, h: h, w: w,
                                offset: c1.parameterCount + c2.parameterCount)
            c1.allowBF16 = false; c2.allowBF16 = false; c3.allowBF16 = false
            self.c1 = c1; self.c2 = c2; self.c3 = c3
            let plane = n * h * w
            x = FloatBuffer(count: channels * plane); out = FloatBuffer(count: channels * plane)
            dOut = FloatBuffer(count: channels * plane)
            a1 = FloatBuffer(count: features * plane); a2 = FloatBuffer(count: features * plane)
            dA1 = FloatBuffer(count: features * plane); dA2 = FloatBuffer(count: features * plane)
        }
        var parameterCount: Int { c1.parameterCount + c2.parameterCount + c3.parameterCount }
        var columnFloats: Int { max(c1.columnFloats, c2.columnFloats, c3.columnFloats, 1) }
        func view(_ b: FloatBuffer, _ c: Int) -> TensorView { TensorView(base: b.pointer, n: n, c: c, h: h, w: w) }

        /// out = n(x). LeakyReLU works in place: its output's sign is its input's, enough for backward.
        func forward(params: UnsafeMutablePointer<Float>, cols: UnsafeMutablePointer<Float>) {
            c1.forward(x: view(x, c1.cin), y: view(a1, c1.cout), params: params, cols: cols)
            Activations.leakyReLUForward(a1.pointer, a1.pointer, count: a1.count)
            c2.forward(x: view(a1, c2.cin), y: view(a2, c2.cout), params: params, cols: cols)
            Activations.leakyReLUForward(a2.pointer, a2.pointer, count: a2.count)
            c3.forward(x: view(a2, c3.cin), y: view(out, c3.cout), params: params, cols: cols)
        }

        /// Accumulates parameter gradients from `dOut` (no input gradient).
        func backward(params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>,
                      cols: UnsafeMutablePointer<Float>) {
            c3.backward(x: view(a2, c3.cin), dy: view(dOut, c3.cout), dx: view(dA2, c3.cin), accumulate: false,
                        params: params, grads: grads, cols: cols)
            Activations.leakyReLUBackward(a2.pointer, dA2.pointer, dA2.pointer, count: dA2.count, accumulate: false)
            c2.backward(x: view(a1, c2.cin), dy: view(dA2, c2.cout), dx: view(dA1, c2.cin), accumulate: false,
                        params: params, grads: grads, cols: cols)
            Activations.leakyReLUBackward(a1.pointer, dA1.pointer, dA1.pointer, count: dA1.count, accumulate: false)
            c1.backward(x: view(x, c1.cin), dy: view(dA1, c1.cout), dx: nil, accumulate: false,
                        params: params, grads: grads, cols: cols)
        }
    }

    /// The half-resolution pair [D1(y); D2(y)] as a batch of two, and the full image.
    private let half: Stack, full: Stack
    let parameters: FloatBuffer, gradients: FloatBuffer
    private let columns: FloatBuffer
    private let adam: Adam
    /// D1, D2 of the denoised full image (consistency term), one batch of two.
    private let pairOfDenoised: FloatBuffer
    private let partial: UnsafeMutablePointer<Double>

    /// Bytes `init` plans for an image of this size (`Int.max` when the count overflows): the
    /// activations of both stacks and the denoised pair; the shared columns are tiled to a fixed
    /// size and the parameters are a few thousand floats, both left out.
    public static func plannedBytes(channels: Int, height: Int, width: Int, features: Int) -> Int {
        let pixels = height * width, perPixel = 3 * channels + 4 * features
        let (floats, o1) = perPixel.multipliedReportingOverflow(by: pixels / 2 + pixels)
        let (bytes, o2) = (floats + channels * pixels / 2).multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        return o1 || o2 ? .max : bytes
    }

    /// - Parameters: `image` planar CHW in [0, 1]; `height` and `width` even, at least 4.
    public init(image: [Float], channels: Int, height: Int, width: Int, options: Options = Options()) throws {
        try BLAS.load()
        guard channels >= 1, height >= 4, width >= 4, height % 2 == 0, width % 2 == 0,
              image.count == channels * height * width else {
            throw EngineError.badInput("zero-shot denoiser: \(channels)×\(height)×\(width) image with \(image.count) values (sides must be even, at least 4)")
        }
        guard options.learningRate.isFinite, options.learningRate > 0, options.features >= 1, options.decayEvery >= 1 else {
            throw EngineError.badConfiguration("zero-shot denoiser: learning rate, features and decay interval must be positive")
        }
        let bytes = Self.plannedBytes(channels: channels, height: height, width: width, features: options.features)
        guard bytes <= options.memoryBudget else {
            throw EngineError.overBudget(what: "a \(width)×\(height) zero-shot denoiser", bytes: bytes,
                                         budget: options.memoryBudget)
        }
        self.channels = channels; self.height = height; self.width = width; self.options = options
        half = try Stack(n: 2, channels: channels, features: options.features, h: height / 2, w: width / 2)
        full = try Stack(n: 1, channels: channels, features: options.features, h: height, w: width)
        parameters = FloatBuffer(count: half.parameterCount)
        gradients = FloatBuffer(count: half.parameterCount)
        columns = FloatBuffer(count: max(half.columnFloats, full.columnFloats))
        adam = Adam(count: half.parameterCount)
        pairOfDenoised = FloatBuffer(count: half.x.count)
        partial = .allocate(capacity: 2 * channels)
        partial.initialize(repeating: 0, count: 2 * channels)
        var rng = SeededRandom(seed: options.seed, stream: "zero-shot weights")
        for c in [half.c1, half.c2] { c.initialise(parameters.pointer, rng: &rng) }
        // The head starts at zero, so the first noise estimate is 0 and the result starts as the
        // input itself: a short run is never worse than doing nothing (the reference's random head
        // makes the untrained result noisier than the input).
        (parameters.pointer + half.c3.weightOffset).update(repeating: 0, count: half.c3.parameterCount)
        image.withUnsafeBufferPointer { full.x.pointer.update(from: $0.baseAddress!, count: image.count) }
        Self.pairDownsample(full.x.pointer, channels: channels, h: height, w: width, into: half.x.pointer)
    }

    deinit { partial.deallocate() }

    /// Trainable parameters.
    public var parameterCount: Int { parameters.count }
    /// Forward multiply-accumulates of one step (half-resolution pair, plus the full image with
    /// the consistency term).
    public var forwardMACs: Int {
        let perImage = { (s: Stack) in s.c1.macs + s.c2.macs + s.c3.macs }
        return 2 * perImage(half) + (options.consistency ? perImage(full) : 0)
    }

    /// The learning rate of the next step (halved every `decayEvery` steps).
    public var currentLearningRate: Float {
        var lr = options.learningRate
        for _ in 0..<(stepsDone / options.decayEvery) { lr *= 0.5 }
        return lr
    }

    /// One Adam step on the loss above. Returns the loss. Allocates nothing.
    @discardableResult
    public func step() throws -> Float {
        let loss = evaluate()
        guard loss.isFinite else {
            throw EngineError.badInput("zero-shot denoiser: loss became \(loss) at step \(stepsDone + 1)")
        }
        adam.update(params: parameters.pointer, grads: gradients.pointer, learningRate: currentLearningRate)
        stepsDone += 1
        lastLoss = loss
        return loss
    }

    /// The loss at the current parameters, with its gradient in `gradients`.
    func evaluate() -> Float {
        let p = parameters.pointer, cols = columns.pointer
        half.forward(params: p, cols: cols)
        let c = channels, hp = (height / 2) * (width / 2), count = c * hp
        let m = Float(count)
        // Half batch layout: image 0 = D1, image 1 = D2; out = noise estimates n(D1), n(D2).
        let d = half.x.pointer, nh = half.out.pointer, g = half.dOut.pointer
        if options.consistency {
            full.forward(params: p, cols: cols)
            // denoised = y − n(y), downsampled into the pair (reusing dOut of the full stack as scratch).
            let y = full.x.pointer, ny = full.out.pointer, den = full.dOut.pointer
            Parallel.forEach(full.x.count, costPerItem: 1) { r in for i in r { den[i] = y[i] - ny[i] } }
            Self.pairDownsample(den, channels: c, h: height, w: width, into: pairOfDenoised.pointer)
        }
        let dd = pairOfDenoised.pointer, cons = options.consistency, partial = self.partial
        // Residual term: pred1 = D1 − n(D1) against D2, pred2 = D2 − n(D2) against D1.
        // dL/dn(Di) = −dL/dpred_i; the consistency term adds (pred_i − Di(den)) to dL/dpred_i.
        Parallel.forEach(2 * c, costPerItem: 6 * hp) { r in
            for job in r {
                let img = job / c, ch = job % c
                let me = d + img * count + ch * hp, other = d + (1 - img) * count + ch * hp
                let noise = nh + img * count + ch * hp, grad = g + img * count + ch * hp
                let target = dd + img * count + ch * hp
                var s = 0.0
                for i in 0..<hp {
                    let pred = me[i] - noise[i]
                    let res = pred - other[i]
                    var dpred = res
                    var acc = res * res
                    if cons {
                        let e = pred - target[i]
                        dpred += e
                        acc += e * e
                    }
                    s += Double(acc)
                    grad[i] = -dpred / m   // ½·2/M per term
                }
                partial[job] = s
            }
        }
        var total = 0.0
        for j in 0..<(2 * c) { total += partial[j] }
        let loss = Float(total / (2 * Double(count)))
        gradients.zero()
        half.backward(params: p, grads: gradients.pointer, cols: cols)
        if cons {
            // dL/dDi(den) = −(pred_i − Di(den))/M; den = y − n(y) so dL/dn(y) = −D^T(dL/dD(den)).
            let gd = pairOfDenoised.pointer   // reuse: now holds dL/dD(den)
            Parallel.forEach(2 * count, costPerItem: 2) { r in
                for i in r {
                    let img = i / count, k = i % count
                    let pred = d[img * count + k] - nh[img * count + k]
                    gd[i] = -(pred - gd[i]) / m
                }
            }
            Self.pairDownsampleAdjoint(gd, channels: c, h: height, w: width, into: full.dOut.pointer)
            let gf = full.dOut.pointer
            Parallel.forEach(full.dOut.count, costPerItem: 1) { r in for i in r { gf[i] = -gf[i] } }
            full.backward(params: p, grads: gradients.pointer, cols: cols)
        }
        return loss
    }

    /// y − n(y), clamped to [0, 1], planar CHW.
    public func denoised() -> [Float] {
        full.forward(params: parameters.pointer, cols: columns.pointer)
        let y = full.x.pointer, ny = full.out.pointer
        return (0..<full.x.count).map { min(max(y[$0] - ny[$0], 0), 1) }
    }

    /// The two diagonal sub-images as a batch of two: D1 = ½(x[2i][2j] + x[2i+1][2j+1]),
    /// D2 = ½(x[2i][2j+1] + x[2i+1][2j]).
    static func pairDownsample(_ x: UnsafePointer<Float>, channels: Int, h: Int, w: Int, into out: UnsafeMutablePointer<Float>) {
        forEachBlockRow(channels: channels, h: h, w: w, full: UnsafeMutablePointer(mutating: x), pair: out) { top, bottom, d1, d2, j in
            d1[j] = 0.5 * (top[2 * j] + bottom[2 * j + 1])
            d2[j] = 0.5 * (top[2 * j + 1] + bottom[2 * j])
        }
    }

    /// The adjoint of `pairDownsample`: writes x (channels × h × w) from the pair's gradients.
    static func pairDownsampleAdjoint(_ g: UnsafePointer<Float>, channels: Int, h: Int, w: Int, into x: UnsafeMutablePointer<Float>) {
        forEachBlockRow(channels: channels, h: h, w: w, full: x, pair: UnsafeMutablePointer(mutating: g)) { top, bottom, g1, g2, j in
            top[2 * j] = 0.5 * g1[j]; bottom[2 * j + 1] = 0.5 * g1[j]
            top[2 * j + 1] = 0.5 * g2[j]; bottom[2 * j] = 0.5 * g2[j]
        }
    }

    /// Calls `body(top, bottom, d1, d2, j)` for every 2×2 block j of every row pair of `full`
    /// (channels × h × w) with the matching rows of the pair (two images of channels × h/2 × w/2).
    @inline(__always)
    private static func forEachBlockRow(channels: Int, h: Int, w: Int, full: UnsafeMutablePointer<Float>,
                                        pair: UnsafeMutablePointer<Float>,
                                        _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                                 UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        let h2 = h / 2, w2 = w / 2, count = channels * h2 * w2
        Parallel.forEach(channels * h2, costPerItem: 4 * w2) { r in
            for row in r {
                let c = row / h2, i = row % h2
                let top = full + (c * h + 2 * i) * w, bottom = top + w
                let first = pair + (c * h2 + i) * w2, second = first + count
                for j in 0..<w2 { body(top, bottom, first, second, j) }
            }
        }
    }
}
