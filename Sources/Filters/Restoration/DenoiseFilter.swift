import DIPEngine
import FilterAPI

/// `denoise`: Deep Image Prior denoising — the net is fitted to the noisy image itself with
/// ||f − x̂||², and its output (averaged over steps) is returned before it learns the noise.
public final class DenoiseFilter: Filter {
    public static let name = "denoise"
    public static let summary = "Deep Image Prior denoising (Gaussian or real sensor noise)"
    public static var details: String {
        """
        Fits DIP's skip encoder-decoder to the noisy image (MSE data term) from a fixed noise input,
        with input perturbation, output averaging and the divergence guard. Any image size: sides
        are reflect-padded to a multiple of 32 and cropped back. Grey and colour; alpha passes
        through unchanged.


        """ + presets.helpText
    }

    /// The variant for strong noise: the reference raises the input perturbation at σ = 50.
    static let strongNoise = "--sigma >= 50"
    static let presets: PresetTable = {
        let paper = DIPRecipe(net: SkipNetConfig.paperDenoise(), input: .noise(depth: 32), iterations: 3000,
                              learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true)
        let fast = DIPRecipe(net: DIPRecipe.fastNet(), input: .noise(depth: 32), iterations: 1200,
                             learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true,
                             averagingBurnIn: true)
        return PresetTable(rows: [
            .init(.fast, fast), .init(.fast, strongNoise, fast.with(\.regNoiseStd, 1.0 / 20)),
            .init(.paper, paper), .init(.paper, strongNoise, paper.with(\.regNoiseStd, 1.0 / 20)),
        ])
    }()

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
    func recipe(sigma: Double) throws -> DIPRecipe {
        try Self.presets.recipe(choice.preset, variant: sigma >= 50 ? Self.strongNoise : nil)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let colours = PlanarImage(colorsOf: image)
        let s = sigma ?? NoiseLevel.sigma(colours.planes, channels: colours.channels, height: colours.height,
                                          width: colours.width) * 255
        return try DIPImageTask.fitToTarget(filter: Self.name, recipe: recipe(sigma: s), choice: choice,
                                            noiseSigma: s / 255, inputs: inputs, context: context)
    }
}
