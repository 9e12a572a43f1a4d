import DIPEngine
import FilterAPI

/// `denoise`: Deep Image Prior denoising — the net is fitted to the noisy image itself with
/// ||f − x̂||², and its output (averaged over steps) is returned before it learns the noise.
public final class DenoiseFilter: Filter {
    public static let name = "denoise"
    public static let summary = "Deep Image Prior denoising (Gaussian or real sensor noise)"
    public static let details = """
        Fits DIP's skip encoder-decoder to the noisy image (MSE data term) from a fixed noise input,
        with input perturbation, output averaging (EMA 0.99) and the divergence guard. Presets:
          paper  the reference notebook (F16, sigma 25): 128 channels x 5 levels, skip 4, z depth 32,
                 lr 0.01, 3000 steps, reg noise 1/30 (1/20 when --sigma >= 50)
          fast   channels 16,32,64,128,128, 1200 steps (about 1/6 of the time per step), averaging
                 from the end of the first quarter of the steps
        Any image size: sides are reflect-padded to a multiple of 32 and cropped back. Grey and
        colour; alpha passes through unchanged.
        """
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("sigma", .double(0...255),
                      help: "Noise level on the 0-255 scale, if known (raises the input perturbation at 50+)"),
    ] + RestorationParameters.specs(presets: ["fast", "paper"])

    let recipe: DIPRecipe
    let overrides: RestorationParameters.Overrides

    public init(parameters: ParameterValues) throws {
        overrides = try RestorationParameters.Overrides(parameters)
        let sigma = parameters.double("sigma") ?? 25
        let paper = parameters.string("preset") == "paper"
        let base = DIPRecipe(net: paper ? SkipNetConfig.paperDenoise() : DIPRecipe.fastNet(),
                             input: .noise(depth: 32), iterations: paper ? 3000 : 1200,
                             learningRate: 0.01, regNoiseStd: sigma >= 50 ? 1.0 / 20 : 1.0 / 30,
                             emaDecay: 0.99, divergenceGuard: true, averagingBurnIn: !paper)
        recipe = overrides.apply(to: base)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        try DIPImageTask.fitToTarget(filter: Self.name, recipe: recipe, overrides: overrides,
                                     inputs: inputs, context: context)
    }
}
