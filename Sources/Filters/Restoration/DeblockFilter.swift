import DIPEngine
#if canImport(Glibc)
import Glibc
#endif
import FilterAPI

/// `deblock`: JPEG artifact removal. The artefacts are treated as noise of a strength read from
/// the image's own JPEG quantisation (`DIPEngine.JPEGQuantisation`), then removed as `denoise`
/// removes noise: Wiener passes in DCT blocks after a hard-threshold pilot (fast, no net). The
/// paper preset is the reference's Deep Image Prior fit, stopped before it learns the blocks.
public final class DeblockFilter: Filter {
    public static let name = "deblock"
    public static let summary = "JPEG artifact removal: DCT-block filtering at the strength the JPEG's quantisation shows, or Deep Image Prior"
    public static var details: String {
        """
        The strength (the artefacts' noise level) is read from the image: on its 8x8 grid a decoded
        JPEG's DCT coefficients sit on multiples of the quantisation steps, and the mean of the
        nine lowest luma steps gives sigma = \(DIPRecipe.number(Float(artefactScale))) * step^\(DIPRecipe.number(Float(artefactPower))) (0-255 scale). An image
        that shows no JPEG grid (never compressed, cropped off its grid, or resized) is returned
        unchanged unless --sigma is given. The fast preset runs no net: hard thresholding and
        Wiener filtering in sliding 16x16 DCT blocks, as denoise's. The paper preset fits DIP to the
        decoded image for the reference's step count, before the net learns the blocks too.


        """ + presets.helpText
    }

    /// σ = scale · q̄^power for a mean low-frequency step q̄. Fitted to the strengths that served
    /// the fast preset best on five images (F16, CBSD68 101085 and 108070, baby, barbara) at
    /// qualities 10-75 (README, deblock); the SA-DCT deblocker's published fit has the same form.
    static let artefactScale = 1.9, artefactPower = 0.61

    /// The artefact strength (0-255 scale) for a mean quantisation step.
    static func artefactSigma(meanStep: Double) -> Double { artefactScale * pow(max(meanStep, 0), artefactPower) }

    /// fast: denoise's no-net pipeline at the artefact strength. paper: denoising's DIP set-up
    /// with the reference's shorter run (JPEG blocks are learnt by ~2400 steps); the zero-shot
    /// net does not apply: its sub-images' errors are not independent here.
    static let presets = PresetTable<DenoiseRecipe>(rows: [
        .init(.fast, .wiener(.hardThreshold())),
        .init(.paper, .dip(DenoiseFilter.dipPaper.with(\.iterations, 2400))),
    ])

    static let sigma = OptionalParameter<Double>.number("sigma", 0...255,
        defaultNote: "read from the image's JPEG quantisation",
        help: "Artefact strength as a noise level on the 0-255 scale")
    static let common = RestorationParameters(presets: presets)
    public static let parameters: [ParameterSpec] = [sigma.spec] + common.specs

    let recipe: DenoiseRecipe
    let sigma: Double?
    let choice: RestorationParameters.Choice

    public init(parameters: ParameterValues) throws {
        choice = Self.common.choice(parameters)
        sigma = parameters.value(Self.sigma)
        recipe = try Self.presets.recipe(choice.preset)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let colours = PlanarImage(colorsOf: image)
        let read = sigma != nil ? nil : JPEGQuantisation.estimate(colours.planes, channels: colours.channels, height: colours.height,
                                             width: colours.width)
        let strength = sigma ?? read.map { Self.artefactSigma(meanStep: $0.meanStep) }
        if let r = recipe.wiener {
            // Nothing to remove that the image shows: doing nothing is the answer that is never worse.
            guard let strength, strength > 0 else { return image }
            return try DIPImageTask.wienerDenoise(filter: Self.name, recipe: choice.apply(to: r), choice: choice,
                                                  noiseSigma: strength / 255, inputs: inputs, context: context)
        }
        guard let r = recipe.dip else { throw DipError.failure("internal: deblock preset row without a recipe") }
        // Not blended with the input as denoise's fits are: the strength is a filter setting, about
        // twice the JPEG error's RMS (which depends on the texture the quantisation removed, and so
        // cannot be read), and a blend by it made a short fit worse than the JPEG.
        return try DIPImageTask.fitToTarget(filter: Self.name, recipe: r, choice: choice, inputs: inputs, context: context)
    }
}
