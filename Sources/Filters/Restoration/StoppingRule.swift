/// When a fit without `--iters` stops by itself, from what it can see (never ground truth): the
/// exponential moving variance of its outputs (ES-EMV: Wang, Li, Zhuang, Chen, Liang, Sun, "Early
/// Stopping for Deep Image Prior", TMLR 2023). While the net learns the image the outputs change
/// less and less; once it starts learning the degradation (noise, blocks, aliasing) they wander
/// again, so the variance has a valley where the result is best. The fit stops when the variance
/// has not reached a new minimum for `patience` steps and returns its estimate at that step (the
/// output average where the preset averages). Minima count only from half of `minimumSteps` on:
/// a residual fit starts from a still output, whose variance is lowest before anything is learnt.
struct StoppingRule: Equatable {
    /// No stop before this step.
    var minimumSteps: Int
    /// Steps without a new variance minimum before stopping.
    var patience: Int
    /// Rate of the moving mean and variance (the reference's α = 0.1 ≈ a 10-step window).
    var rate: Float = 0.1

    /// The fast presets' rule for a run capped at `cap` steps: not before half the cap, then
    /// 200 steps of patience. The paper presets keep the reference's fixed step counts.
    static func standard(cap: Int) -> StoppingRule { StoppingRule(minimumSteps: cap / 2, patience: 200) }

    var phrase: String { "stopping itself once the output variance has not fallen for \(patience) steps (not before \(minimumSteps))" }
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
