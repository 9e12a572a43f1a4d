import DIPEngine

/// When a fit without `--iters` stops by itself, from what it can see (never ground truth). Two
/// signals, for two kinds of fit:
///
/// - `varianceValley`, for fits that end up learning the degradation: the exponential moving
///   variance of the raw outputs (ES-EMV: Wang, Li, Zhuang, Chen, Liang, Sun, "Early Stopping for
///   Deep Image Prior", TMLR 2023). While the net learns the image the outputs change less and
///   less; once it starts learning the degradation (noise, blocks, aliasing) they wander again, so
///   the variance has a valley where the result is best. The fit stops when the variance has not
///   reached a new minimum for `patience` steps and returns its estimate at that step (the output
///   average where the preset averages). Minima count only from half of `minimumSteps` on: a
///   residual fit starts from a still output, whose variance is lowest before anything is learnt.
/// - `plateau`, for fits that converge without overfitting (a residual over bicubic with output
///   averaging, whose PSNR rises to a plateau and stays): the fit stops once its estimate has
///   moved by less than `threshold` (RMS, on the [0, 1] scale) over the last `window` steps —
///   further steps would change the result by less than a user can see.
struct StoppingRule: Equatable {
    // Plain fields rather than an enum with payloads: a payload enum inside the preset tables left
    // bytes uninitialised that their copies read (valgrind, through the C ABI's dip_filter_new).
    enum Signal: Equatable { case varianceValley, plateau }

    /// No stop before this step.
    var minimumSteps: Int
    var signal: Signal
    /// varianceValley: steps without a new variance minimum before stopping.
    var patience = 0
    /// plateau: steps between the compared estimates, and the RMS move (on the [0, 1] scale)
    /// below which the result counts as settled.
    var window = 0
    var threshold: Float = 0
    /// Rate of the moving mean and variance (the reference's α = 0.1 ≈ a 10-step window).
    var rate: Float = 0.1

    /// The valley rule with `patience` steps without a new variance minimum.
    init(minimumSteps: Int, patience: Int) {
        self.minimumSteps = minimumSteps
        signal = .varianceValley
        self.patience = patience
    }

    init(minimumSteps: Int, plateauWindow window: Int, threshold: Float) {
        self.minimumSteps = minimumSteps
        signal = .plateau
        self.window = window
        self.threshold = threshold
    }

    /// The fast presets' rule for a run capped at `cap` steps: not before half the cap, then
    /// 200 steps of patience. The paper presets keep the reference's fixed step counts.
    static func standard(cap: Int) -> StoppingRule { StoppingRule(minimumSteps: cap / 2, patience: 200) }

    /// The plateau rule of `sr`'s fast preset: not before 30% of the cap, then stop when the result
    /// moved by less than half a grey level (RMS) in 100 steps. Chosen from Set5 x4 curves run to
    /// 1000 steps: the output average keeps a jitter of 0.35-0.5 levels per 100 steps once the
    /// PSNR is flat (baby: 32.45-32.51 dB from step 100 on), while a result still gaining moves by
    /// more (bird: 0.55-0.8 levels while it rises 0.07-0.09 dB per 100 steps); a window that
    /// starts with the average (step 200) moves little before the fit has begun to gain.
    static func settled(cap: Int) -> StoppingRule {
        StoppingRule(minimumSteps: cap * 3 / 10, plateauWindow: 100, threshold: 0.5 / 255)
    }

    var phrase: String {
        switch signal {
        case .varianceValley:
            return "stopping itself once the output variance has not fallen for \(patience) steps (not before \(minimumSteps))"
        case .plateau:
            return "stopping itself once the result moves less than \(DIPRecipe.number(threshold * 255)) levels RMS in \(window) steps (not before \(minimumSteps))"
        }
    }

    /// A monitor for one fit of `count` output values.
    func monitor(count: Int) -> any StopMonitor {
        switch signal {
        case .varianceValley: return StoppingMonitor(rule: self, count: count)
        case .plateau:
            return PlateauMonitor(minimumSteps: minimumSteps, window: window, threshold: threshold)
        }
    }
}

/// What the fit loop asks after each step.
protocol StopMonitor: AnyObject {
    /// Whether the fit should stop after `step`; `fitter` is the fit after that step.
    func observe(step: Int, fitter: DIPFitter) -> Bool
    /// Why it stopped, in words.
    var reason: String { get }
}

/// Follows one fit for a `StoppingRule`: O(pixels) memory (the moving mean); `observe` allocates
/// nothing.
final class StoppingMonitor {
    let rule: StoppingRule
    private var mean: [Float]
    private var variance = 0.0, observed = 0
    private(set) var bestVariance = Double.infinity
    private(set) var bestStep = 0

    init(rule: StoppingRule, count: Int) {
        self.rule = rule
        mean = [Float](repeating: 0, count: count)
    }

    /// Takes step `step`'s raw output. Returns true when the fit should stop.
    func observe(step: Int, output: UnsafeBufferPointer<Float>) -> Bool {
        let a = rule.rate
        var s = 0.0
        let started = observed > 0
        observed += 1
        mean.withUnsafeMutableBufferPointer { m in
            if !started {
                for i in 0..<m.count { m[i] = output[i] }
                return
            }
            var block: Float = 0
            for i in 0..<m.count {
                let d = output[i] - m[i]
                block += d * d
                m[i] += a * d
                if i & 4095 == 4095 { s += Double(block); block = 0 }
            }
            s += Double(block)
        }
        guard started else { return false }
        let change = Double(a * (1 - a)) * s / Double(mean.count)
        // The first change seeds the variance (no ramp from 0); minima count once the moving
        // average spans its window (1/rate observations).
        variance = observed == 2 ? change / Double(a) : Double(1 - a) * variance + change
        if Float(observed) * a >= 1, step >= rule.minimumSteps / 2, variance < bestVariance {
            bestVariance = variance
            bestStep = step
        }
        return step >= rule.minimumSteps && bestStep > 0 && step - bestStep >= rule.patience
    }

    var reason: String {
        "the output variance was lowest at step \(bestStep) and has not fallen for \(rule.patience) steps"
    }
}

extension StoppingMonitor: StopMonitor {
    func observe(step: Int, fitter: DIPFitter) -> Bool { fitter.withOutput { observe(step: step, output: $0) } }
}

/// Follows one fit for a plateau rule: keeps the estimate every `window` steps (O(pixels)
/// memory; a copy every `window` steps, none in between).
final class PlateauMonitor: StopMonitor {
    let minimumSteps: Int, window: Int, threshold: Float
    private var snapshot: [Float]? = nil
    private(set) var lastChange = Float.infinity

    init(minimumSteps: Int, window: Int, threshold: Float) {
        self.minimumSteps = minimumSteps; self.window = max(window, 1); self.threshold = threshold
    }

    /// Takes the estimate at `step` (asked for only every `window` steps). True when it stops.
    func observe(step: Int, estimate: () -> [Float]) -> Bool {
        guard step % window == 0 else { return false }
        let now = estimate()
        defer { snapshot = now }
        guard let before = snapshot, before.count == now.count, !now.isEmpty else { return false }
        var s = 0.0
        for i in 0..<now.count { let d = Double(now[i] - before[i]); s += d * d }
        lastChange = Float((s / Double(now.count)).squareRoot())
        return step >= minimumSteps && lastChange < threshold
    }

    func observe(step: Int, fitter: DIPFitter) -> Bool {
        observe(step: step) { fitter.averagedOutput ?? fitter.output }
    }

    var reason: String {
        "the result moved by \(DIPRecipe.number((lastChange * 2550).rounded() / 10)) levels RMS over the last \(window) steps"
    }
}
