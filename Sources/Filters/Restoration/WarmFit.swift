import DIPEngine
import FilterAPI

/// What a DIP filter keeps between the images of a stream (`FilterContext.memory`): the fitter
/// of the previous image and what it was built for. The next image of the same size and recipe
/// continues from its weights and optimiser state (Deep Video Prior; online fine-tuning from the
/// previous frame) for `DIPRecipe.warmIterations` steps instead of a whole fit. The output average
/// restarts (`DIPFitter.retarget`): carried over, it lost 0.47 dB over a 10-frame 128² pan and did
/// not lower the flicker (measured with `dip-bench video`; the stream's `Deflicker` damps it instead).
final class WarmFit {
    let fitter: DIPFitter
    let recipe: DIPRecipe
    let width: Int, height: Int
    let seed: UInt64

    init(fitter: DIPFitter, request: FitRequest) {
        self.fitter = fitter
        recipe = request.recipe; width = request.width; height = request.height; seed = request.seed
    }

    /// The fitter, retargeted to `request`'s image, when `memory` continues a stream whose
    /// previous image this filter fitted with the same recipe at the same size; else nil.
    static func resume(_ request: FitRequest, memory: FrameMemory?) throws -> DIPFitter? {
        guard let memory, memory.isWarm, let last = memory.state as? WarmFit,
              last.recipe == request.recipe, last.width == request.width, last.height == request.height,
              last.seed == request.seed else { return nil }
        // Until this image's fit succeeds, the state is no one's: a failed run leaves nothing half-fitted.
        memory.state = nil
        try last.fitter.retarget(data: request.data, input: request.input)
        return last.fitter
    }
}

extension DIPRecipe {
    /// A warm-started image's steps: an eighth of the recipe's (its cap where it stops by itself).
    /// Measured with `dip-bench video` (README, "Video and other streams"): from the previous
    /// frame's weights, an eighth of the steps reached the PSNR of a whole fit.
    var warmIterations: Int { max(1, iterations / 8) }
}
