import DIPEngine
import FilterAPI

/// `inpaint`: fills the pixels a mask marks as unknown — text and watermark overlays, holes,
/// regions, or scattered missing pixels — with the masked data term ||(f − x̂)⊙m||².
public final class InpaintFilter: Filter {
    public static let name = "inpaint"
    public static let summary = "Deep Image Prior inpainting: fill masked text, holes, regions or missing pixels"
    public static let details = """
        --mask FILE: white (>= 50%) = keep, black = fill; or --mask alpha to fill where the image's own
        alpha is transparent (the output is then opaque). The mask must have the image's size.
        The case picks the reference notebook's set-up; --case auto decides from the mask:
          pixels  scattered missing pixels (mean distance to a known pixel <= 1.15): z noise 32,
                  128x5 skip 4, bilinear, lr 0.001, 11000 steps, reg noise 0.03 (paper 'restoration')
          text    thin overlays (no hole pixel farther than 6 px from a known one): z noise 32,
                  128x5 skip 128, nearest, lr 0.01, 6001 steps, reg noise 0.03
          region  thick holes over >= 10% of the image or in > 4 pieces: z noise 1,
                  [16,32,64,128,128,128], 5x5 down, nearest, no 1x1 up, lr 0.01, 3001 steps, no reg noise
          holes   a few large holes otherwise: z meshgrid, 128x5 no skips, nearest, lr 0.01, 5001 steps,
                  reg noise 0.03
        --preset paper uses those exactly; fast (default) uses channels 16,32,64,128,128 with the case's
        input and upsampling, lr 0.01, and 3000 (pixels), 1500 (text) or 2000 (holes, region) steps.
        """
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("mask", .image(keywords: ["alpha"]),
                      help: "Mask image (white = keep, black = fill), or 'alpha' for the image's transparency"),
        ParameterSpec("case", .choice(["auto"] + MaskAnalysis.Case.allCases.map(\.rawValue)), default: .string("auto"),
                      help: "What is missing: auto (from the mask), pixels, text, holes or region"),
    ] + RestorationParameters.specs(presets: ["fast", "paper"])

    let maskSource: String
    let forcedCase: MaskAnalysis.Case?
    let paper: Bool
    let overrides: RestorationParameters.Overrides

    public init(parameters: ParameterValues) throws {
        guard let mask = parameters.string("mask") else {
            throw DipError.badParameter("--mask", "required: a mask file, or 'alpha'")
        }
        maskSource = mask
        forcedCase = MaskAnalysis.Case(rawValue: parameters.string("case") ?? "auto")
        paper = parameters.string("preset") == "paper"
        overrides = try RestorationParameters.Overrides(parameters)
    }

    public var imageInputs: [String] { maskSource == "alpha" ? [] : ["mask"] }

    /// The reference notebook's set-up for a case (paper), or its lighter twin (fast).
    static func recipe(for c: MaskAnalysis.Case, paper: Bool) -> DIPRecipe {
        switch c {
        case .pixels:
            return DIPRecipe(net: paper ? SkipNetConfig.paperRestore(outputChannels: 3) : DIPRecipe.fastNet(),
                             // fast: 3000 steps, because scattered pixels keep improving long after
                             // 1500 (barbara 512²: 26.55 dB at 1500, 28.71 dB at 3000).
                             input: .noise(depth: 32), iterations: paper ? 11000 : 3000,
                             learningRate: paper ? 0.001 : 0.01, regNoiseStd: 0.03, emaDecay: nil, divergenceGuard: false)
        case .text:
            return DIPRecipe(net: paper ? SkipNetConfig.paperInpaintText() : DIPRecipe.fastNet(upsample: .nearest),
                             input: .noise(depth: 32), iterations: paper ? 6001 : 1500,
                             learningRate: 0.01, regNoiseStd: 0.03, emaDecay: nil, divergenceGuard: false)
        case .holes:
            return DIPRecipe(net: paper ? SkipNetConfig.paperInpaintLargeHoles() : DIPRecipe.fastNet(upsample: .nearest, skip: 0),
                             input: .meshgrid, iterations: paper ? 5001 : 2000,
                             learningRate: 0.01, regNoiseStd: 0.03, emaDecay: nil, divergenceGuard: false)
        case .region:
            var fast = DIPRecipe.fastNet(upsample: .nearest, skip: 0)
            fast.kernelDown = 5
            fast.need1x1Up = false
            return DIPRecipe(net: paper ? SkipNetConfig.paperInpaintRegion() : fast,
                             input: .noise(depth: 1), iterations: paper ? 3001 : 2000,
                             learningRate: 0.01, regNoiseStd: 0, emaDecay: nil, divergenceGuard: false)
        }
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let maskPlane: PlanarImage
        let maskName: String
        if maskSource == "alpha" {
            guard image.hasAlpha else {
                throw DipError.badImage(inputs.imageName, "--mask alpha: the image has no alpha channel")
            }
            maskPlane = PlanarImage.plane(of: image, alpha: true)
            maskName = "\(inputs.imageName) alpha"
        } else {
            let (mask, source) = try inputs.extraImage("mask")
            guard mask.width == image.width, mask.height == image.height else {
                throw DipError.badImage(source, "mask is \(mask.width)x\(mask.height) but the image is \(image.width)x\(image.height)")
            }
            maskPlane = PlanarImage.plane(of: mask)
            maskName = source
        }
        let known = maskPlane.planes.map { $0 >= 0.5 }
        let stats = MaskAnalysis(known: known, width: image.width, height: image.height)
        guard stats.missingFraction > 0 else { throw DipError.badImage(maskName, "mask marks nothing to fill (all white)") }
        guard stats.missingFraction < 1 else { throw DipError.badImage(maskName, "mask marks no known pixel (all black)") }

        let colours = PlanarImage(colorsOf: image)
        let chosen = forcedCase ?? stats.suggestedCase
        let r = overrides.apply(to: InpaintFilter.recipe(for: chosen, paper: paper)).withChannels(colours.channels)
        let multiple = r.net.sizeMultiple
        let padded = colours.padded(toMultipleOf: multiple, atLeast: 2 * multiple)
        // Padding is unknown territory: the mask is 0 there so it does not constrain the fit.
        let binary = PlanarImage(width: image.width, height: image.height, channels: 1,
                                 planes: known.map { $0 ? 1 : 0 })
        var paddedMask = [Float](repeating: 0, count: padded.width * padded.height)
        for y in 0..<image.height {
            for x in 0..<image.width { paddedMask[y * padded.width + x] = binary.planes[y * image.width + x] }
        }
        // Unknown pixels carry no information: zero them in the target (their loss weight is 0 anyway).
        var target = padded.planes
        let plane = padded.width * padded.height
        for c in 0..<padded.channels {
            for i in 0..<plane where paddedMask[i] == 0 { target[c * plane + i] = 0 }
        }
        let out = try DIPRunner.fit(filter: Self.name, recipe: r, width: padded.width, height: padded.height,
                                    input: DIPImageTask.netInput(r, padded: padded, guide: nil),
                                    data: .maskedMSE(target: target, mask: paddedMask),
                                    seed: overrides.seed ?? context.seed, maxSeconds: overrides.maxSeconds,
                                    context: context, imageName: inputs.imageName)
        var result = PlanarImage(width: padded.width, height: padded.height, channels: colours.channels, planes: out)
            .cropped(width: image.width, height: image.height)
        // Known pixels keep their original values; only the holes take the net's output.
        let n = image.pixelCount
        for c in 0..<result.channels {
            for i in 0..<n where known[i] { result.planes[c * n + i] = colours.planes[c * n + i] }
        }
        let alpha: [Float]? = maskSource == "alpha" ? [Float](repeating: 1, count: n) : PlanarImage.alpha(of: image)
        return result.image(like: image, alpha: alpha)
    }
}
