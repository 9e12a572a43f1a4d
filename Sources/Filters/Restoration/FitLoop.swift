import DIPEngine
import FilterAPI

/// The step loop every net-fitting filter runs (DIP and the zero-shot denoiser): step, time the
/// run, report progress (which may cancel), let the observer look, and end at the step count, at
/// `--max-seconds`, or when the fit says it stops by itself.
enum FitLoop {
    /// What one step reports back.
    struct Outcome {
        var loss: Float
        /// PSNR against the degraded input, where the fit tracks it.
        var psnr: Double? = nil
        /// Set when the fit stops by itself after this step: why, in words.
        var stopReason: String? = nil
    }

    /// Runs `step(n)` for n = 1…`total` (at least once). `step` returns nil to end the loop at
    /// once without a report (a diverged step whose caller has a fallback). `after(event, last)`
    /// sees every reported step; `last` is true on the step the loop ends with.
    static func run(filter: String, total: Int, maxSeconds: Double?, context: FilterContext,
                    step: (Int) throws -> Outcome?, after: (ProgressEvent, _ last: Bool) -> Void) throws {
        let start = MonotonicClock.now()
        for n in 1...max(total, 1) {
            guard let outcome = try step(n) else { return }
            let elapsed = MonotonicClock.now() - start
            let timeUp = maxSeconds.map { elapsed >= $0 } ?? false
            let stops = timeUp || outcome.stopReason != nil
            var event = ProgressEvent(filter: filter, step: n, total: stops ? n : total,
                                      loss: Double(outcome.loss), elapsed: elapsed, psnr: outcome.psnr)
            event.stopReason = outcome.stopReason
                ?? (timeUp && n < total ? "stopped at step \(n): --max-seconds reached" : nil)
            try context.report(event)
            after(event, stops || n >= total)
            if stops { return }
        }
    }
}
