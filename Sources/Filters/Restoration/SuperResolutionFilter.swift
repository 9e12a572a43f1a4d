import DIPEngine
import FilterAPI

/// `sr`: Deep Image Prior super-resolution — the net works at N× the input size and is fitted
/// through the Lanczos2 downsampler d: ||d(f) − x̂||².
public final class SuperResolutionFilter: Filter {
    public static let name = "sr"
    public static let summary = "Deep Image Prior super-resolution by an integer factor (2-8)"
    public static let details = """
        Output is --scale times the input on each side. The net's output, downsampled by DIP's
        Lanczos2 kernel, is fitted to the input. Presets:
          paper  the reference notebook: 128 channels x 5 levels, skip 4, z depth 32, bilinear,
                 lr 0.01, 2000 steps and reg noise 0.03 (x4 and below), 4000 and 0.05 (x5 to x8)
          fast   channels 16,32,64,128,128, 2500 steps (4000 above x4); the light net needs more
                 steps than the paper's (Set5 bird x4: 29.38 dB at 1000, 31.33 at 2500; bicubic 30.56)
        The input is reflect-padded so the output side is a multiple of 32, then cropped back.
        Alpha is upscaled with the lanczos3 resampler.
        """
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("scale", .int(2...8), default: .int(4), help: "Upscaling factor"),
    ] + RestorationParameters.specs(presets: ["fast", "paper"])

    let factor: Int
    let recipe: DIPRecipe
    let overrides: RestorationParameters.Overrides

    public init(parameters: ParameterValues) throws {
        factor = parameters.int("scale") ?? 4
        guard (2...8).contains(factor) else { throw DipError.badParameter("--scale", "must be 2...8") }
        overrides = try RestorationParameters.Overrides(parameters)
        let paper = parameters.string("preset") == "paper"
        let big = factor > 4
        let base = DIPRecipe(net: paper ? SkipNetConfig.paperSuperResolution() : DIPRecipe.fastNet(),
                             input: .noise(depth: 32),
                             iterations: paper ? (big ? 4000 : 2000) : (big ? 4000 : 2500),
                             learningRate: 0.01, regNoiseStd: big ? 0.05 : 0.03, emaDecay: nil, divergenceGuard: false)
        recipe = overrides.apply(to: base)
    }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        let (w, h) = width.multipliedReportingOverflow(by: factor), (hh, ho) = height.multipliedReportingOverflow(by: factor)
        guard !h, !ho, width > 0, height > 0 else { throw DipError.badParameter("--scale", "output size overflows") }
        return (w, hh)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let (ow, oh) = try outputSize(width: image.width, height: image.height)
        guard ow * oh <= context.maxPixels else {
            throw DipError.noMemory("\(inputs.imageName): a \(factor)x result of \(image.width)x\(image.height) exceeds --max-pixels \(context.maxPixels)")
        }
        let colours = PlanarImage(colorsOf: image)
        let r = recipe.withChannels(colours.channels)
        // Low-resolution side L is padded so that factor·L is a multiple of the net's 2^levels.
        let multiple = r.net.sizeMultiple
        let step = multiple / gcd(multiple, factor)
        let lowRes = colours.padded(toMultipleOf: step, atLeast: (2 * multiple + factor - 1) / factor)
        let hw = lowRes.width * factor, hh = lowRes.height * factor
        let out = try DIPRunner.fit(filter: Self.name, recipe: r, width: hw, height: hh,
                                    input: DIPImageTask.netInput(r, padded: lowRes, guide: nil),
                                    data: .downsampledMSE(target: lowRes.planes, factor: factor),
                                    seed: overrides.seed ?? context.seed, maxSeconds: overrides.maxSeconds,
                                    context: context, imageName: inputs.imageName)
        let result = PlanarImage(width: hw, height: hh, channels: colours.channels, planes: out)
            .cropped(width: ow, height: oh)
        var alpha: [Float]? = nil
        if image.hasAlpha {
            let alphaImage = Image(width: image.width, height: image.height, channels: 1, format: image.format,
                                   pixels: PlanarImage.alpha(of: image) ?? [])
            var values = ParameterValues(specs: ResizeFilter.parameters)
            try values.set("width", text: String(ow))
            try values.set("height", text: String(oh))
            alpha = try ResizeFilter(parameters: values)
                .apply(FilterInputs(image: alphaImage, imageName: inputs.imageName), context: context).pixels
        }
        return result.image(like: image, alpha: alpha)
    }

    private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
