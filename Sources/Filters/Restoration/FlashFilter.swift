import DIPEngine
import FilterAPI

/// `flash`: flash/no-flash reconstruction — the flash image is the net's input and the no-flash
/// image (stdin) its target, so the result has the no-flash lighting with the flash image's
/// low-noise structure.
public final class FlashFilter: Filter {
    public static let name = "flash"
    public static let summary = "Deep Image Prior flash/no-flash: no-flash lighting, flash detail"
    public static var details: String {
        """
        stdin is the no-flash image; --flash FILE is the flash image of the same scene and size.


        """ + presets.helpText
    }

    static let presets: PresetTable<DIPRecipe> = {
        let paper = DIPRecipe(net: SkipNetConfig.paperFlash(), input: .guide, iterations: 601, learningRate: 0.1,
                              regNoiseStd: 0, emaDecay: nil, divergenceGuard: false)
        var fastNet = DIPRecipe.fastNet()
        fastNet.upsample = paper.net.upsample
        return PresetTable(rows: [.init(.fast, paper.with(\.net, fastNet).with(\.iterations, 400).stoppingItself),
                                  .init(.paper, paper)])
    }()

    static let flash = OptionalParameter<String>.image("flash", help: "The flash image (same size as the no-flash input)")
    static let common = RestorationParameters(presets: presets)
    public static let parameters: [ParameterSpec] = [flash.spec] + common.specs

    let recipe: DIPRecipe
    let choice: RestorationParameters.Choice

    /// Without --flash the flash image is still the run's extra input (a C host passes it so);
    /// the command line, which needs a file name, refuses the missing value (`isRequired`).
    public init(parameters: ParameterValues) throws {
        choice = Self.common.choice(parameters)
        recipe = try Self.presets.recipe(choice.preset)
    }

    public var imageInputs: [String] { [Self.flash.name] }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let (flash, source) = try inputs.extraImage(Self.flash.name)
        try DIPImageTask.validate(flash, name: source, context: context)
        guard flash.width == image.width, flash.height == image.height else {
            throw DipError.badImage(source, "flash image is \(flash.width)x\(flash.height) but the no-flash image is \(image.width)x\(image.height)")
        }
        let alpha = PlanarImage.alpha(of: image)
        return try DIPImageTask.restore(filter: Self.name, recipe: recipe, choice: choice,
                                        colours: PlanarImage(colorsOf: image), guide: PlanarImage(colorsOf: flash),
                                        inputs: inputs, context: context, target: { padded, _ in FitTarget(data: .mse(target: padded.planes)) },
                                        finish: { $0.image(like: image, alpha: alpha) })
    }
}
