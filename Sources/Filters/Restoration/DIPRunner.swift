import DIPEngine
import FilterAPI
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs one Deep Image Prior fit for a filter: builds the fitter, steps it with progress reports
/// (cancellable), honours the time limit, and returns the final estimate as planes.
enum DIPRunner {
    /// - Parameters:
    ///   - recipe: net and schedule (already with the right channel counts).
    ///   - size: the (padded) output size, a multiple of the net's 2^levels.
    ///   - input: the net input z.
    ///   - data: the data term with its targets.
    /// - Returns: the averaged output when the recipe averages, else the last output
    ///   (outputChannels × height × width).
    static func fit(filter: String, recipe: DIPRecipe, width: Int, height: Int, input: NetInput,
                    data: DataTerm, seed: UInt64, maxSeconds: Double?, context: FilterContext,
                    imageName: String) throws -> [Float] {
        var options = FitOptions(learningRate: recipe.learningRate, regNoiseStd: recipe.regNoiseStd,
                                 emaDecay: recipe.emaDecay, divergenceGuard: recipe.divergenceGuard, seed: seed)
        options.emaStart = recipe.emaStart
        let fitter: DIPFitter
        do {
            fitter = try DIPFitter(config: recipe.net, height: height, width: width, input: input,
                                   data: data, options: options)
        } catch let error as EngineError {
            throw map(error, imageName: imageName, filter: filter)
        }
        let start = Date()
        let total = recipe.iterations
        // The last estimate known to be finite: what is returned if a step diverges to NaN.
        var lastFinite: [Float]? = nil
        for step in 1...max(total, 1) {
            let loss: Float
            do {
                loss = try fitter.step()
            } catch let error as EngineError {
                // A non-finite loss: keep the last finite estimate rather than return NaN pixels.
                if let lastFinite { return lastFinite }
                throw map(error, imageName: imageName, filter: filter)
            }
            let elapsed = Date().timeIntervalSince(start)
            let timeUp = maxSeconds.map { elapsed >= $0 } ?? false
            try context.report(ProgressEvent(filter: filter, step: step, total: timeUp ? step : total,
                                             loss: Double(loss), elapsed: elapsed, psnr: fitter.lastPSNR))
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

    static func map(_ error: EngineError, imageName: String, filter: String) -> DipError {
        switch error {
        case .badConfiguration(let m): return .badParameter(filter, m)
        case .badInput(let m): return .badImage(imageName, m)
        case .blasUnavailable(let m): return .failure("\(filter): OpenBLAS unavailable: \(m)")
        case .tooLarge(let m): return .noMemory("\(imageName): \(m)")
        }
    }
}
