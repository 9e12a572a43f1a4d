import DIPEngine
import FilterAPI

/// A denoise row that ends in Wiener passes (`DIPEngine.DCTWiener`) steered by a pilot estimate.
/// The pilot is either the Zero-Shot Noise2Noise net (Mansour & Heckel, CVPR 2023;
/// `DIPEngine.ZeroShotDenoiser`: a two-layer net trained on the noisy image's own diagonal
/// half-resolution sub-images; like DIP it needs no training data and no downloaded weights,
/// unlike DIP its tiny net cannot learn the noise, so it runs a fixed number of steps) or, with no
/// net, hard thresholding in DCT blocks — which measured as good a pilot in seconds (README).
struct WienerRecipe: PresetRecipe {
    /// What steers the first Wiener pass.
    enum Pilot: Equatable { case zeroShotNet, hardThreshold }
    var pilot = Pilot.zeroShotNet
    /// Zero-shot: the net's training steps. Hard threshold: 1 + `wienerPasses` (the pilot, then
    /// each pass, one progress step each; `--iters` can only shorten it).
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
    /// Zero-shot pilot: also run the no-net pipeline (hard-threshold pilot, the same passes at the
    /// same stride) and return the mean of the two results. Their errors differ (a net's smooth
    /// bias, thresholding's block ringing), so the mean is closer than either (F16: 31.89 and
    /// 31.99 dB, their mean 32.06; README).
    var averagedWithThresholding = false

    /// The no-net row: a hard-threshold pilot at `thresholdFactor`·σ, then `passes` Wiener passes.
    static func hardThreshold(passes: Int = 3, stride: Int = 2) -> WienerRecipe {
        WienerRecipe(pilot: .hardThreshold, iterations: 1 + passes, learningRate: 0, decayEvery: 1,
                     wienerPasses: passes, wienerStride: stride)
    }
    /// The hard-threshold pilot's threshold in units of σ (BM3D's 2.7).
    var thresholdFactor: Float = 2.7

    var phrases: [String] {
        if pilot == .hardThreshold {
            return ["no net: hard thresholding at \(DIPRecipe.number(thresholdFactor))σ in 16x16 DCT blocks every \(wienerStride) px as the pilot",
                    "then \(wienerPasses) pass\(wienerPasses == 1 ? "" : "es") of Wiener filtering in 16x16 DCT blocks every \(wienerStride) px, each steered by the one before",
                    "\(iterations) steps (the pilot, then one per pass; --iters can only shorten it)"]
        }
        return ["zero-shot Noise2Noise: 2 conv layers of \(features) channels trained on the image's two diagonal half-size sub-images",
         "lr \(DIPRecipe.number(learningRate)) halved every \(decayEvery) steps", "\(iterations) steps",
         consistency ? "with the consistency term" : "no consistency term"]
            + (wienerPasses > 0 ? ["then \(wienerPasses) pass\(wienerPasses == 1 ? "" : "es") of Wiener filtering in 16x16 DCT blocks every \(wienerStride) px, steered by the net's result"] : [])
            + (averagedWithThresholding ? ["averaged with the no-net pipeline (hard thresholding at \(DIPRecipe.number(thresholdFactor))σ, the same passes)"] : [])
    }

    func overridden(steps: Int?, learningRate: Float?) -> WienerRecipe {
        var r = self
        if let steps {
            r.iterations = steps
            // More passes than the row's drift (each steered by the last: F16 31.9 dB after 3,
            // 29.8 after 49), so --iters can only shorten this pipeline.
            if pilot == .hardThreshold {
                r.wienerPasses = min(max(steps - 1, 0), wienerPasses)
                r.iterations = 1 + r.wienerPasses
            }
        }
        if let learningRate, pilot == .zeroShotNet { r.learningRate = learningRate }
        return r
    }

    var options: ZeroShotDenoiser.Options {
        var o = ZeroShotDenoiser.Options()
        o.learningRate = learningRate; o.features = features; o.decayEvery = decayEvery; o.consistency = consistency
        return o
    }
}

/// What a denoise preset runs: Deep Image Prior, or Wiener passes after a pilot.
typealias DenoiseRecipe = NetRecipe<WienerRecipe>

extension NetRecipe where Alternative == WienerRecipe {
    static func wiener(_ r: WienerRecipe) -> Self { .alternative(r) }
    var wiener: WienerRecipe? { alternative }
}

extension DIPImageTask {
    /// Denoises `image` by the recipe's pilot and Wiener passes. Zero-shot pilot: pads the colour
    /// planes to even sides (reflection), trains `recipe.iterations` steps with progress
    /// (cancellable, `--max-seconds`), crops back, blends with the input by `noiseSigma` (see
    /// `fitToTarget`), then the passes.
    static func wienerDenoise(filter: String, recipe: WienerRecipe, choice: RestorationParameters.Choice,
                              noiseSigma: Double, inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try validate(image, name: inputs.imageName, context: context)
        let alpha = PlanarImage.alpha(of: image)
        let colours = PlanarImage(colorsOf: image)
        if recipe.pilot == .hardThreshold {
            return try thresholdThenWiener(filter: filter, recipe: recipe, choice: choice, noiseSigma: noiseSigma,
                                           colours: colours, alpha: alpha, inputs: inputs, context: context)
        }
        var options = recipe.options
        options.memoryBudget = context.maxMemory
        let seed = choice.seed(context)
        // The Wiener blocks are 16×16: smaller images are mirrored out to a block and back.
        let side = DCTWiener.blockSize
        let noisy = colours.padded(width: max(colours.width, side), height: max(colours.height, side))
        // The no-net result to average with, once, before training (seconds against minutes).
        let thresholded = recipe.averagedWithThresholding
            ? wienerPasses(noisy, pilot: thresholdPilot(noisy, recipe: recipe, sigma: noiseSigma), recipe: recipe,
                           passes: recipe.wienerPasses, sigma: noiseSigma) : nil
        /// The passes steered by the net's result `f` (colours' size), as the filter's image.
        let finish = { (f: PlanarImage) -> Image in
            var estimate = wienerPasses(noisy, pilot: blend(f, colours, sigma: noiseSigma).padded(width: noisy.width, height: noisy.height),
                                        recipe: recipe, passes: recipe.wienerPasses, sigma: noiseSigma)
            if let thresholded {
                for i in estimate.planes.indices { estimate.planes[i] = 0.5 * (estimate.planes[i] + thresholded.planes[i]) }
            }
            estimate = estimate.cropped(width: colours.width, height: colours.height)
            return estimate.image(like: image, alpha: alpha)
        }
        /// Trains the net on `crop` (padded to even sides, at least 4) and returns its result at
        /// the crop's size; `render` turns a result so far into the filter's image for the observer.
        func train(_ crop: PlanarImage, seed: UInt64, context: FilterContext,
                   render: @escaping (PlanarImage) -> Image) throws -> PlanarImage {
            let padded = crop.padded(width: max(4, crop.width + crop.width % 2), height: max(4, crop.height + crop.height % 2))
            var tileOptions = options
            tileOptions.seed = seed
            let net: ZeroShotDenoiser
            do {
                net = try ZeroShotDenoiser(image: padded.planes, channels: padded.channels, height: padded.height,
                                           width: padded.width, options: tileOptions)
            } catch let error as EngineError {
                throw DIPRunner.map(error, filter: filter, imageName: inputs.imageName)
            }
            let result = {
                PlanarImage(width: padded.width, height: padded.height, channels: padded.channels, planes: net.denoised())
                    .cropped(width: crop.width, height: crop.height)
            }
            try FitLoop.run(filter: filter, total: recipe.iterations, maxSeconds: choice.maxSeconds, context: context,
                            step: { _ in
                do { return FitLoop.Outcome(loss: try net.step()) } catch let error as EngineError {
                    throw DIPRunner.map(error, filter: filter, imageName: inputs.imageName)
                }
            }, after: { event, _ in context.observer?(event) { render(result()) } })
            return result()
        }
        // The net holds ~1.2 KB a pixel: above the budget it trains tile by tile (`TilePlan`) and
        // the tiles' results, blended, steer the passes over the whole image.
        let held = 4 * 4 * colours.planes.count   // the colours, the blend's sums, the passes' input and output
        // (Tiles of at least 64 pixels: smaller ones would be mostly border.)
        let plan = try TilePlan.make(width: colours.width, height: colours.height, scale: 1, step: 2, minimum: 64,
                                     budget: context.maxMemory, held: held, imageName: inputs.imageName) { w, h in
            ZeroShotDenoiser.plannedBytes(channels: colours.channels, height: h, width: w, features: options.features)
        }
        if plan.isWhole { return finish(try train(colours, seed: seed, context: context, render: finish)) }
        return finish(try TileBlend.fitted(plan, channels: colours.channels, context: context) { k, r, tileContext, view in
            try train(colours.cropped(x: r.x, y: r.y, width: r.width, height: r.height),
                      seed: SeededRandom.streamSeed(seed, "tile \(k)"), context: tileContext,
                      render: { finish(view($0.planes)) }).planes
        })
    }

    /// The no-net pipeline: the hard-threshold pilot (step 1), then one Wiener pass per step; the
    /// Wiener blocks are 16×16, so smaller images are mirrored out to a block and back.
    private static func thresholdThenWiener(filter: String, recipe: WienerRecipe, choice: RestorationParameters.Choice,
                                            noiseSigma: Double, colours: PlanarImage, alpha: [Float]?,
                                            inputs: FilterInputs, context: FilterContext) throws -> Image {
        let side = DCTWiener.blockSize
        let noisy = colours.padded(width: max(colours.width, side), height: max(colours.height, side))
        var estimate = noisy
        let result = { estimate.cropped(width: colours.width, height: colours.height).image(like: inputs.image, alpha: alpha) }
        try FitLoop.run(filter: filter, total: 1 + recipe.wienerPasses, maxSeconds: choice.maxSeconds, context: context,
                        step: { n in
            let before = estimate.planes
            estimate = n == 1 ? thresholdPilot(noisy, recipe: recipe, sigma: noiseSigma)
                : wienerPasses(noisy, pilot: estimate, recipe: recipe, passes: 1, sigma: noiseSigma)
            var change = 0.0
            for i in 0..<before.count { let d = Double(estimate.planes[i] - before[i]); change += d * d }
            return FitLoop.Outcome(loss: Float((change / Double(max(before.count, 1))).squareRoot()))
        }, after: { event, _ in context.observer?(event) { result() } })
        return result()
    }

    /// Hard thresholding of `noisy` in DCT blocks at the recipe's factor of σ and stride.
    private static func thresholdPilot(_ noisy: PlanarImage, recipe: WienerRecipe, sigma: Double) -> PlanarImage {
        var out = noisy
        out.planes = DCTWiener.hardThresholdPilot(noisy: noisy.planes, channels: noisy.channels, height: noisy.height,
                                                  width: noisy.width, sigma: sigma, factor: recipe.thresholdFactor,
                                                  stride: recipe.wienerStride)
        return out
    }

    /// `passes` Wiener passes over `noisy`, the first steered by `pilot`, each next by the last.
    private static func wienerPasses(_ noisy: PlanarImage, pilot: PlanarImage, recipe: WienerRecipe, passes: Int,
                                     sigma: Double) -> PlanarImage {
        var estimate = pilot
        for _ in 0..<passes {
            estimate.planes = DCTWiener.filter(noisy: noisy.planes, pilot: estimate.planes, channels: noisy.channels,
                                               height: noisy.height, width: noisy.width, sigma: sigma,
                                               stride: recipe.wienerStride)
        }
        return estimate
    }
}
