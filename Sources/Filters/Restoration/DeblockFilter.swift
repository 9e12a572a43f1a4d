import DIPEngine
import FilterAPI

/// `deblock`: JPEG artifact removal — the denoising data term on the decoded JPEG, stopped early
/// (the net reproduces the blocks too if left long enough).
public final class DeblockFilter: Filter {
    public static let name = "deblock"
    public static let summary = "Deep Image Prior JPEG artifact removal"
    public static var details: String {
        """
        The denoising set-up applied to a decoded JPEG: the net fits the image's content before its
        8x8 block artifacts.


        """ + presets.helpText
    }

    static let presets: PresetTable = {
        let paper = DIPRecipe(net: SkipNetConfig.paperDenoise(), input: .noise(depth: 32), iterations: 2400,
                              learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true)
        let fast = DIPRecipe(net: DIPRecipe.fastNet(), input: .noise(depth: 32), iterations: 1000,
                             learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true,
                             averagingBurnIn: true)
        return PresetTable(rows: [.init(.fast, fast), .init(.paper, paper)])
    }()

    static let common = RestorationParameters(presets: presets)
    public static let parameters: [ParameterSpec] = common.specs

    let recipe: DIPRecipe
    let choice: RestorationParameters.Choice

    public init(parameters: ParameterValues) throws {
        choice = Self.common.choice(parameters)
        recipe = try Self.presets.recipe(choice.preset)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        try DIPImageTask.fitToTarget(filter: Self.name, recipe: recipe, choice: choice, inputs: inputs, context: context)
    }
}
