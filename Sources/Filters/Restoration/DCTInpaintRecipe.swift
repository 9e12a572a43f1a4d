import DIPEngine
import FilterAPI

/// Iterated hard thresholding in sliding DCT blocks (`DIPEngine.DCTInpainting`) as a preset row:
/// the classical sparse fill for scattered missing pixels, where it beats a DIP fit of any length
/// this machine can afford (barbara, 50% missing: see the README). No net, so no learning rate.
struct DCTInpaintRecipe: PassRecipe {
    var iterations = 30
    /// Pixels between blocks (4: 1/16 of the work of every position).
    var stride = 4

    var phrases: [String] {
        ["no net: hard thresholding in 16x16 DCT blocks every \(stride) px, known pixels put back after each step",
         "\(iterations) steps, threshold falling from \(DIPRecipe.number(DCTInpainting.startThreshold)) to \(DIPRecipe.number(DCTInpainting.endThreshold))"]
    }
}

/// What an inpaint preset runs: a Deep Image Prior fit, or the DCT fill.
typealias InpaintRecipe = NetRecipe<DCTInpaintRecipe>

extension NetRecipe where Alternative == DCTInpaintRecipe {
    static func dctFill(_ r: DCTInpaintRecipe) -> Self { .alternative(r) }
    var dctFill: DCTInpaintRecipe? { alternative }
}

extension DIPImageTask {
    /// Fills the unknown pixels of `colours` (`known`: one flag per pixel) by the DCT fill, one
    /// pass per progress step (cancellable, `--max-seconds`); known pixels keep their values.
    static func dctFill(filter: String, recipe: DCTInpaintRecipe, choice: RestorationParameters.Choice,
                        colours: PlanarImage, known: [Bool], alpha: [Float]?, inputs: FilterInputs,
                        context: FilterContext) throws -> Image {
        // Blocks are 16×16: smaller images are mirrored out (mask too) and cropped back.
        let side = DCTInpainting.blockSizeNeeded
        let padded = colours.padded(width: max(colours.width, side), height: max(colours.height, side))
        let mask = PlanarImage(width: colours.width, height: colours.height, channels: 1, planes: known.map { $0 ? 1 : 0 })
            .padded(width: padded.width, height: padded.height)
        let fill: DCTInpainting
        do {
            fill = try DCTInpainting(image: padded.planes, known: mask.planes.map { $0 > 0.5 }, channels: padded.channels,
                                     height: padded.height, width: padded.width, iterations: recipe.iterations,
                                     stride: recipe.stride)
        } catch let error as EngineError {
            throw DIPRunner.map(error, filter: filter, imageName: inputs.imageName)
        }
        let finish = { () -> Image in
            var result = PlanarImage(width: padded.width, height: padded.height, channels: padded.channels, planes: fill.result)
                .cropped(width: colours.width, height: colours.height)
            let n = colours.width * colours.height
            for c in 0..<result.channels {
                for i in 0..<n where known[i] { result.planes[c * n + i] = colours.planes[c * n + i] }
            }
            return result.image(like: inputs.image, alpha: alpha)
        }
        try FitLoop.run(filter: filter, total: recipe.iterations, maxSeconds: choice.maxSeconds, context: context,
                        step: { _ in
            fill.iterate()
            return FitLoop.Outcome(loss: fill.lastChange)
        }, after: { event, _ in context.observer?(event) { finish() } })
        return finish()
    }
}
