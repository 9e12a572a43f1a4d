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

    /// Denoising's base rows with the reference's shorter run (JPEG blocks are learnt by ~2400 steps).
    static let presets: PresetTable = {
        let denoise = DenoiseFilter.presets.rows.filter { $0.variant == nil }
        let steps: [Preset: Int] = [.fast: 1000, .paper: 2400]
        return PresetTable(rows: denoise.map { .init($0.preset, $0.recipe.with(\.iterations, steps[$0.preset] ?? $0.recipe.iterations)) })
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
