import DIPEngine
import FilterAPI

/// The Zero-Shot Noise2Noise set-up (Mansour & Heckel, CVPR 2023; `DIPEngine.ZeroShotDenoiser`)
/// as a preset row: a two-layer net trained on the noisy image's own diagonal half-resolution
/// sub-images. Like DIP it needs no training data and no downloaded weights; unlike DIP its tiny
/// net cannot learn the noise, so it runs a fixed number of steps without a stopping rule.
struct ZeroShotRecipe: PresetRecipe {
    var iterations: Int
    var learningRate: Float
    var features = 48
    /// Steps between halvings of the learning rate.
    var decayEvery: Int
    var consistency = true
    /// Passes of empirical Wiener filtering (`DIPEngine.DCTWiener`) after the net, the first
    /// steered by the net's result, each next one by the previous pass.
    var wienerPasses = 3
    /// Pixels between the Wiener passes' blocks (`DCTWiener`: 1 is 4× the work of 2, ~0.1 dB better).
    var wienerStride = 2

    var phrases: [String] {
        ["zero-shot Noise2Noise: 2 conv layers of \(features) channels trained on the image's two diagonal half-size sub-images",
         "lr \(DIPRecipe.number(learningRate)) halved every \(decayEvery) steps", "\(iterations) steps",
         consistency ? "with the consistency term" : "no consistency term"]
            + (wienerPasses > 0 ? ["then \(wienerPasses) pass\(wienerPasses == 1 ? "" : "es") of Wiener filtering in 16x16 DCT blocks every \(wienerStride) px, steered by the net's result"] : [])
    }

    func overridden(steps: Int?, learningRate: Float?) -> ZeroShotRecipe {
        var r = self
        if let steps { r.iterations = steps }
        if let learningRate { r.learningRate = learningRate }
        return r
    }

    var options: ZeroShotDenoiser.Options {
        var o = ZeroShotDenoiser.Options()
        o.learningRate = learningRate; o.features = features; o.decayEvery = decayEvery; o.consistency = consistency
        return o
    }
}

/// What a denoise preset runs: Deep Image Prior or the zero-shot Noise2Noise net.
typealias DenoiseRecipe = NetRecipe<ZeroShotRecipe>

extension NetRecipe where Alternative == ZeroShotRecipe {
    static func zeroShot(_ r: ZeroShotRecipe) -> Self { .alternative(r) }
    var zeroShot: ZeroShotRecipe? { alternative }
}

extension DIPImageTask {
    /// Denoises `image` with the zero-shot net: pads the colour planes to even sides (reflection),
    /// trains `recipe.iterations` steps with progress (cancellable, `--max-seconds`), crops back,
    /// blends with the input by `noiseSigma` (see `fitToTarget`) and runs the recipe's Wiener passes.
    static func zeroShot(filter: String, recipe: ZeroShotRecipe, choice: RestorationParameters.Choice,
                         noiseSigma: Double, inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try validate(image, name: inputs.imageName, context: context)
        let alpha = PlanarImage.alpha(of: image)
        let colours = PlanarImage(colorsOf: image)
        let padded = colours.padded(width: max(4, colours.width + colours.width % 2),
                                    height: max(4, colours.height + colours.height % 2))
        var options = recipe.options
        options.seed = choice.seed(context)
        let net: ZeroShotDenoiser
        do {
            net = try ZeroShotDenoiser(image: padded.planes, channels: padded.channels, height: padded.height,
                                       width: padded.width, options: options)
        } catch let error as EngineError {
            throw DIPRunner.map(error, filter: filter, imageName: inputs.imageName)
        }
        let finish = { (planes: [Float]) -> Image in
            let f = PlanarImage(width: padded.width, height: padded.height, channels: padded.channels, planes: planes)
                .cropped(width: colours.width, height: colours.height)
            // The Wiener blocks are 16×16: smaller images are mirrored out to a block and back.
            let side = DCTWiener.blockSize
            let noisy = colours.padded(width: max(colours.width, side), height: max(colours.height, side))
            var estimate = blend(f, colours, sigma: noiseSigma).padded(width: noisy.width, height: noisy.height)
            for _ in 0..<recipe.wienerPasses {
                estimate.planes = DCTWiener.filter(noisy: noisy.planes, pilot: estimate.planes, channels: noisy.channels,
                                                   height: noisy.height, width: noisy.width, sigma: noiseSigma,
                                                   stride: recipe.wienerStride)
            }
            estimate = estimate.cropped(width: colours.width, height: colours.height)
            return estimate.image(like: image, alpha: alpha)
        }
        try FitLoop.run(filter: filter, total: recipe.iterations, maxSeconds: choice.maxSeconds, context: context,
                        step: { _ in
            do { return FitLoop.Outcome(loss: try net.step()) } catch let error as EngineError {
                throw DIPRunner.map(error, filter: filter, imageName: inputs.imageName)
            }
        }, after: { event, _ in context.observer?(event) { finish(net.denoised()) } })
        return finish(net.denoised())
    }
}
