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
        let warm: Bool
        do {
            if let resumed = try WarmFit.resume(request, memory: context.memory) {
                fitter = resumed
                warm = true
            } else {
                fitter = try DIPFitter(config: recipe.net, height: request.height, width: request.width,
                                       input: request.input, data: request.data, options: request.options)
                warm = false
            }
        } catch let error as EngineError {
            throw map(error, request)
        }
        // A warm start runs its fixed share of the steps; a fresh fit its recipe's, or until it stops itself.
        let monitor = warm ? nil : recipe.stopping.map { $0.monitor(count: recipe.net.outputChannels * request.width * request.height) }
        // The last estimate known to be finite: what is returned if a step diverges to NaN.
        var lastFinite: [Float]? = nil
        var diverged = false
        try FitLoop.run(filter: request.filter, total: warm ? recipe.warmIterations : recipe.iterations, maxSeconds: request.maxSeconds,
                        context: context, step: { n in
            let loss: Float
            do {
                loss = try fitter.step()
            } catch let error as EngineError {
                // A non-finite loss: keep the last finite estimate rather than return NaN pixels.
                if lastFinite != nil { diverged = true; return nil }
                throw map(error, request)
            }
            let stop = monitor?.observe(step: n, fitter: fitter) ?? false
            return FitLoop.Outcome(loss: loss, psnr: fitter.lastPSNR,
                                   stopReason: stop ? monitor.map { "stopped at step \(n): \($0.reason)" } : nil)
        }, after: { event, last in
            observe(fitter, event)
            if last || event.step % 100 == 0 {
                let estimate = fitter.averagedOutput ?? fitter.output
                if estimate.allSatisfy({ $0.isFinite }) { lastFinite = estimate }
            }
        })
        context.memory?.keep(WarmFit(fitter: fitter, request: request), bytes: fitter.plannedBytes)
        if diverged, let lastFinite { return lastFinite }
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
        case .overBudget(let what, let bytes, let budget):
            return .noMemory("\(imageName): out of memory: \(what) needs about \(MemoryBudget.describe(bytes)), more than the memory budget of \(MemoryBudget.describe(budget)) (--max-memory); raise it or use a smaller image or a lighter preset")
        }
    }
}
