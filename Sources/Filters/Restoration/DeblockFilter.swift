import DIPEngine
import FilterAPI

/// `deblock`: JPEG artifact removal — the denoising data term on the decoded JPEG, stopped early
/// (the net reproduces the blocks too if left long enough).
public final class DeblockFilter: Filter {
    public static let name = "deblock"
    public static let summary = "Deep Image Prior JPEG artifact removal"
    public static let details = """
        The denoising set-up applied to a decoded JPEG: the net fits the image's content before its
        8x8 block artifacts. Presets:
          paper  the reference settings: 128 channels x 5 levels, skip 4, z depth 32, lr 0.01,
                 2400 steps, reg noise 1/30, EMA 0.99
          fast   channels 16,32,64,128,128, 1000 steps, averaging from the end of the first quarter
        """
    public static let parameters: [ParameterSpec] = RestorationParameters.specs(presets: ["fast", "paper"])

    let recipe: DIPRecipe
    let overrides: RestorationParameters.Overrides

    public init(parameters: ParameterValues) throws {
        overrides = try RestorationParameters.Overrides(parameters)
        let paper = parameters.string("preset") == "paper"
        let base = DIPRecipe(net: paper ? SkipNetConfig.paperDenoise() : DIPRecipe.fastNet(),
                             input: .noise(depth: 32), iterations: paper ? 2400 : 1000,
                             learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true, averagingBurnIn: !paper)
        recipe = overrides.apply(to: base)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        try DIPImageTask.fitToTarget(filter: Self.name, recipe: recipe, overrides: overrides,
                                     inputs: inputs, context: context)
    }
}
