import DIPEngine
import FilterAPI

/// `denoise`: Wiener passes in DCT blocks steered by a pilot estimate — hard thresholding (fast,
/// no net) or the zero-shot Noise2Noise net (quality) — or Deep Image Prior (paper), whose skip
/// net is fitted to the noisy image itself with ||f − x̂||², and its output (averaged over steps)
/// is returned before it learns the noise.
public final class DenoiseFilter: Filter {
    public static let name = "denoise"
    /// Measured with `dip-bench video` (README, "Video and other streams").
    public static let deflickered = true
    public static let summary = "Denoising: Wiener filtering in DCT blocks after a pilot (hard thresholding or a zero-shot net), or Deep Image Prior"
    public static var details: String {
        """
        No training data, no downloaded weights. Every preset but paper ends by filtering the noisy
        image in sliding 16x16 DCT blocks with Wiener gains steered by a pilot estimate (each pass
        steered by the one before). The fast preset's pilot is hard thresholding of the noisy image
        in the same blocks (no net: seconds, measured as good a pilot as the net below); the quality
        preset's is a zero-shot Noise2Noise net trained on the image's two diagonal half-size
        sub-images (their noises are independent, so each is the other's noisy target). The paper
        preset fits DIP's skip encoder-decoder to the noisy image from a fixed noise input, with
        input perturbation, output averaging and the divergence guard. Net results are blended
        with the input by the noise level (given or estimated) before any Wiener pass, so a short
        run is never worse than its input. Any image size; grey and colour; alpha passes through
        unchanged.


        """ + presets.helpText
    }

    /// The variant for strong noise: the reference raises the input perturbation at σ = 50.
    static let strongNoise = "--sigma >= 50"
    /// The reference notebook's DIP set-up (F16, σ = 25).
    static let dipPaper = DIPRecipe(net: SkipNetConfig.paperDenoise(), input: .noise(depth: 32), iterations: 3000,
                                    learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true)
    /// DIP with the light net, averaging after a burn-in (deblock's fast set-up, and denoise's
    /// before the zero-shot net replaced it).
    static let dipFast = DIPRecipe(net: DIPRecipe.fastNet(), input: .noise(depth: 32), iterations: 1200,
                                   learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true,
                                   averagingBurnIn: true)
    /// fast: hard thresholding, then steered Wiener passes — no net; on F16 and CBSD68-dev it
    /// nearly matched the zero-shot net as a pilot (mean 29.86 against 29.91 dB) in ~2 s, not
    /// minutes (README). quality: the zero-shot Noise2Noise net as the pilot, 1600 steps, blocks at
    /// every pixel, averaged with the no-net pipeline at the same stride.
    static let zeroShotQuality = WienerRecipe(iterations: 1600, learningRate: 0.002, decayEvery: 400, wienerStride: 1,
                                              averagedWithThresholding: true)
    static let presets = PresetTable<DenoiseRecipe>(rows: [
        .init(.fast, .wiener(.hardThreshold())), .init(.quality, .wiener(zeroShotQuality)),
        .init(.paper, .dip(dipPaper)), .init(.paper, strongNoise, .dip(dipPaper.with(\.regNoiseStd, 1.0 / 20))),
    ])

    static let sigma = OptionalParameter<Double>.number("sigma", 0...255,
        defaultNote: "estimated from the image (median absolute deviation of its finest wavelet band)",
        help: "Noise level on the 0-255 scale (50 and above raise the input perturbation)")
    static let common = RestorationParameters(presets: presets)
    public static let parameters: [ParameterSpec] = [sigma.spec] + common.specs

    let sigma: Double?
    let choice: RestorationParameters.Choice

    public init(parameters: ParameterValues) throws {
        choice = Self.common.choice(parameters)
        sigma = parameters.value(Self.sigma)
        _ = try recipe(sigma: 25)   // the table has the preset
    }

    /// The preset's recipe for noise of `sigma` (0-255 scale).
    func recipe(sigma: Double) throws -> DenoiseRecipe {
        try Self.presets.recipe(choice.preset, variant: sigma >= 50 ? Self.strongNoise : nil)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let colours = PlanarImage(colorsOf: image)
        let s = sigma ?? NoiseLevel.sigma(colours.planes, channels: colours.channels, height: colours.height,
                                          width: colours.width) * 255
        let recipe = try recipe(sigma: s)
        if let r = recipe.wiener {
            return try DIPImageTask.wienerDenoise(filter: Self.name, recipe: choice.apply(to: r), choice: choice,
                                             noiseSigma: s / 255, inputs: inputs, context: context)
        }
        guard let r = recipe.dip else { throw DipError.failure("internal: denoise preset row without a recipe") }
        return try DIPImageTask.fitToTarget(filter: Self.name, recipe: r, choice: choice,
                                            noiseSigma: s / 255, inputs: inputs, context: context)
    }
}
