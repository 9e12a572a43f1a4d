import DIPEngine
import FilterAPI

/// Runs one Deep Image Prior fit for a filter: builds the fitter, steps it with progress reports
/// (cancellable), honours the time limit, and returns the final estimate as planes.
enum DIPRunner {
    /// Runs `request` to its step count (or time limit) and returns the averaged output when the
    /// recipe averages, else the net's output on the unperturbed z (outputChannels × height × width).
    /// `render` turns an estimate (planes at the net's size) into the filter's image, for
    /// `context.observer`.
    static func fit(_ request: FitRequest, context: FilterContext, render: @escaping ([Float]) -> Image) throws -> [Float] {
        let estimate = { (out: [Float]) -> [Float] in
            guard let base = request.residualBase else { return out }
            return zip(base, out).map { $0 + $1 - 0.5 }
        }
        return estimate(try fitOutput(request, context: context) { fitter, event in
            context.observer?(event) { render(estimate(fitter.averagedOutput ?? fitter.output)) }
        })
    }

    /// The net's own estimate (before any residual base is added). `observe` sees each step.
    private static func fitOutput(_ request: FitRequest, context: FilterContext,
                                  observe: (DIPFitter, ProgressEvent) -> Void) throws -> [Float] {
        let recipe = request.recipe
        let fitter: DIPFitter
        do {
            fitter = try DIPFitter(config: recipe.net, height: request.height, width: request.width,
                                   input: request.input, data: request.data, options: request.options)
        } catch let error as EngineError {
            throw map(error, request)
        }
        let start = MonotonicClock.now()
        let total = recipe.iterations
        let monitor = recipe.stopping.map { StoppingMonitor(rule: $0, count: recipe.net.outputChannels * request.width * request.height) }
        // The last estimate known to be finite: what is returned if a step diverges to NaN.
        var lastFinite: [Float]? = nil
        for step in 1...max(total, 1) {
            let loss: Float
            do {
                loss = try fitter.step()
            } catch let error as EngineError {
                // A non-finite loss: keep the last finite estimate rather than return NaN pixels.
                if let lastFinite { return lastFinite }
                throw map(error, request)
            }
            let stop = monitor.map { m in fitter.withOutput { m.observe(step: step, output: $0) } } ?? false
            let elapsed = MonotonicClock.now() - start
            let timeUp = request.maxSeconds.map { elapsed >= $0 } ?? false
            var event = ProgressEvent(filter: request.filter, step: step, total: timeUp || stop ? step : total,
                                      loss: Double(loss), elapsed: elapsed, psnr: fitter.lastPSNR)
            if stop, let monitor { event.stopReason = "stopped at step \(step): \(monitor.reason)" }
            try context.report(event)
            observe(fitter, event)
            if stop {
                let estimate = fitter.averagedOutput ?? fitter.output
                if estimate.allSatisfy({ $0.isFinite }) { lastFinite = estimate }
                break
            }
            if timeUp || step == total || step % 100 == 0 {
                let estimate = fitter.averagedOutput ?? fitter.output
                if estimate.allSatisfy({ $0.isFinite }) { lastFinite = estimate }
            }
            if timeUp { break }
        }
        // Without averaging, DIP reports the net on the unperturbed input z.
        if recipe.emaDecay == nil {
            let clean = fitter.renderClean()
            if clean.allSatisfy({ $0.isFinite }) { return clean }
        }
        return lastFinite ?? (fitter.averagedOutput ?? fitter.output).map { $0.isFinite ? $0 : 0 }
    }

    static func map(_ error: EngineError, _ request: FitRequest) -> DipError {
        map(error, filter: request.filter, imageName: request.imageName)
    }

    static func map(_ error: EngineError, filter: String, imageName: String) -> DipError {
        switch error {
        case .badConfiguration(let m): return .badParameter(filter, m)
        case .badInput(let m): return .badImage(imageName, m)
        case .blasUnavailable(let m): return .failure("\(filter): OpenBLAS unavailable: \(m)")
        case .tooLarge(let m): return .noMemory("\(imageName): \(m)")
        }
    }
}
