import DIPEngine
import FilterAPI

/// `flash`: flash/no-flash reconstruction — the flash image is the net's input and the no-flash
/// image (stdin) its target, so the result has the no-flash lighting with the flash image's
/// low-noise structure.
public final class FlashFilter: Filter {
    public static let name = "flash"
    public static let summary = "Deep Image Prior flash/no-flash: no-flash lighting, flash detail"
    public static let details = """
        stdin is the no-flash image; --flash FILE is the flash image of the same scene and size.
        Presets:
          paper  the reference notebook: 128 channels x 5 levels, skip 4, upsampling nearest, nearest,
                 bilinear x3, lr 0.1, 601 steps, no input perturbation
          fast   the same net shape with channels 16,32,64,128,128, 400 steps
        """
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("flash", .image(keywords: []), help: "The flash image (same size as the no-flash input)"),
    ] + RestorationParameters.specs(presets: ["fast", "paper"])

    let recipe: DIPRecipe
    let overrides: RestorationParameters.Overrides

    public init(parameters: ParameterValues) throws {
        guard parameters.string("flash") != nil else {
            throw DipError.badParameter("--flash", "required: the flash image file")
        }
        overrides = try RestorationParameters.Overrides(parameters)
        let paper = parameters.string("preset") == "paper"
        var fast = DIPRecipe.fastNet()
        fast.upsample = [.nearest, .nearest, .bilinear, .bilinear, .bilinear]
        let base = DIPRecipe(net: paper ? SkipNetConfig.paperFlash() : fast, input: .guide,
                             iterations: paper ? 601 : 400, learningRate: 0.1, regNoiseStd: 0,
                             emaDecay: nil, divergenceGuard: false)
        recipe = overrides.apply(to: base)
    }

    public var imageInputs: [String] { ["flash"] }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let (flash, source) = try inputs.extraImage("flash")
        try DIPImageTask.validate(flash, name: source, context: context)
        guard flash.width == image.width, flash.height == image.height else {
            throw DipError.badImage(source, "flash image is \(flash.width)x\(flash.height) but the no-flash image is \(image.width)x\(image.height)")
        }
        let colours = PlanarImage(colorsOf: image)
        let guide = PlanarImage(colorsOf: flash)
        let r = recipe.withChannels(colours.channels, guideChannels: guide.channels)
        let padded = colours.padded(toMultipleOf: r.net.sizeMultiple, atLeast: 2 * r.net.sizeMultiple)
        let paddedGuide = guide.padded(width: padded.width, height: padded.height)
        let out = try DIPRunner.fit(filter: Self.name, recipe: r, width: padded.width, height: padded.height,
                                    input: DIPImageTask.netInput(r, padded: padded, guide: paddedGuide),
                                    data: .mse(target: padded.planes),
                                    seed: overrides.seed ?? context.seed, maxSeconds: overrides.maxSeconds,
                                    context: context, imageName: inputs.imageName)
        return PlanarImage(width: padded.width, height: padded.height, channels: colours.channels, planes: out)
            .cropped(width: image.width, height: image.height)
            .image(like: image, alpha: PlanarImage.alpha(of: image))
    }
}
