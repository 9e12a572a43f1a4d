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

    /// Denoising's DIP set-ups with the reference's shorter run (JPEG blocks are learnt by ~2400
    /// steps). The zero-shot net does not apply: its sub-images' errors are not independent here.
    static let presets = PresetTable<DIPRecipe>(rows: [
        .init(.fast, DenoiseFilter.dipFast.with(\.iterations, 1000).stoppingItself),
        .init(.paper, DenoiseFilter.dipPaper.with(\.iterations, 2400)),
    ])

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
