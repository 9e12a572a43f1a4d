import DIPEngine
import FilterAPI

/// `sr`: super-resolution — up to ×4 by default the sparse upscale (`SparseUpscaleRecipe`, no
/// net); otherwise Deep Image Prior: the net works at N× the input size and is fitted through
/// the Lanczos2 downsampler d: ||d(f) − x̂||².
public final class SuperResolutionFilter: Filter {
    public static let name = "sr"
    public static let summary = "Super-resolution by an integer factor (2-8): sparse DCT upscaling, or Deep Image Prior"
    public static var details: String {
        """
        Output is --scale times the input on each side. Alpha is upscaled with the lanczos3 resampler.
        Up to x4 the fast preset runs no net: from bicubic, it alternates back-projection (the
        result, downscaled with lanczos3, must give the input) with hard thresholding in sliding 8x8
        DCT blocks. Otherwise a net's output, downsampled by DIP's Lanczos2 kernel, is fitted to the
        input; the input is reflect-padded so the output side is a multiple of 32, then cropped
        back; fast for x5-x8 fits a residual over bicubic, so it starts at bicubic's answer.


        """ + presets.helpText
    }

    /// The variant for large factors: the reference runs longer with more input perturbation.
    static let largeFactor = "x5-x8"
    static let presets: PresetTable<SuperResolutionRecipe> = {
        let paper = DIPRecipe(net: SkipNetConfig.paperSuperResolution(), input: .noise(depth: 32), iterations: 2000,
                              learningRate: 0.01, regNoiseStd: 0.03, emaDecay: nil, divergenceGuard: false)
        // fast: a residual over bicubic with output averaging — the averaged curve never dips below
        // bicubic (Set5 butterfly x4: 22.52 dB at step 140, 23.20 at 600; bicubic 22.40; without
        // averaging it dips to 22.25 around step 200) — capped at 1000 steps (about 300 s for a
        // 512x512 result on 2 cores at full speed), then back-projected until it explains the input
        // (Set5 baby x4: 32.47 dB at step 100 with it, 32.12 without; bicubic 32.12).
        let fast = paper.with(\.net, DIPRecipe.fastNet()).with(\.iterations, 1000).with(\.residual, true)
            .with(\.emaDecay, 0.99).with(\.backProjectionPasses, 10)
        // fast up to x4 runs no net (`SparseUpscaleRecipe`); x5-x8 keeps the fast DIP fit above,
        // not yet measured against it.
        return PresetTable(rows: [
            .init(.fast, .sparse(SparseUpscaleRecipe())),
            .init(.fast, largeFactor, .dip(fast.with(\.iterations, 2000).with(\.regNoiseStd, 0.05).stoppingWhenSettled)),
            .init(.paper, .dip(paper)), .init(.paper, largeFactor, .dip(paper.with(\.iterations, 4000).with(\.regNoiseStd, 0.05))),
        ])
    }()

    /// Required: every factor is a different result and a long run, so none is assumed.
    static let scale = OptionalParameter<Int>.requiredInt("scale", 2...8, help: "Upscaling factor")
    static let common = RestorationParameters(presets: presets)
    public static let parameters: [ParameterSpec] = [scale.spec] + common.specs

    /// The factor and its preset row; nil until `--scale` is given. Refused at run time, not here:
    /// a C host creates the filter from "sr" and sets the scale afterwards (`dip_filter_set`).
    let setting: (factor: Int, recipe: SuperResolutionRecipe)?
    let choice: RestorationParameters.Choice

    public init(parameters: ParameterValues) throws {
        let choice = Self.common.choice(parameters)
        self.choice = choice
        setting = try parameters.value(Self.scale).map { factor in
            (factor, try Self.presets.recipe(choice.preset, variant: factor > 4 ? Self.largeFactor : nil))
        }
    }

    private func configured() throws -> (factor: Int, recipe: SuperResolutionRecipe) {
        guard let setting else {
            throw DipError.badParameter("\(Self.name) --scale", "required: the upscaling factor, \(Self.scale.spec.kind.rangeText ?? "")")
        }
        return setting
    }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        let factor = try configured().factor
        let (w, h) = width.multipliedReportingOverflow(by: factor), (hh, ho) = height.multipliedReportingOverflow(by: factor)
        guard !h, !ho, width > 0, height > 0 else { throw DipError.badParameter("--scale", "output size overflows") }
        return (w, hh)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        let (factor, recipe) = try configured()
        try DIPImageTask.validate(image, name: inputs.imageName, context: context)
        let (ow, oh) = try outputSize(width: image.width, height: image.height)
        guard ow * oh <= context.maxPixels else {
            throw DipError.noMemory("\(inputs.imageName): a \(factor)x result of \(image.width)x\(image.height) exceeds --max-pixels \(context.maxPixels)")
        }
        var alpha: [Float]? = nil
        if image.hasAlpha {
            let alphaImage = Image(width: image.width, height: image.height, channels: 1, format: image.format,
                                   pixels: PlanarImage.alpha(of: image) ?? [])
            var values = ParameterValues(specs: ResizeFilter.parameters)
            try values.set(ResizeFilter.widthParameter.name, text: String(ow))
            try values.set(ResizeFilter.heightParameter.name, text: String(oh))
            alpha = try ResizeFilter(parameters: values)
                .apply(FilterInputs(image: alphaImage, imageName: inputs.imageName), context: context).pixels
        }
        let low = PlanarImage(colorsOf: image)
        if let sparse = recipe.sparse {
            return try DIPImageTask.sparseUpscale(filter: Self.name, recipe: choice.apply(to: sparse), choice: choice,
                                                  factor: factor, low: low, alpha: alpha, inputs: inputs, context: context)
        }
        guard let recipe = recipe.dip else { throw DipError.failure("internal: sr preset row without a recipe") }
        let residual = recipe.residual, passes = recipe.backProjectionPasses
        return try DIPImageTask.restore(filter: Self.name, recipe: recipe, choice: choice,
                                        colours: low, scale: factor,
                                        inputs: inputs, context: context, target: { low, _ in
            guard residual else { return FitTarget(data: .downsampledMSE(target: low.planes, factor: factor)) }
            // The net fits base + output − 0.5 through d; d is linear and keeps constants, so the
            // target becomes x̂ − d(base) + 0.5.
            let base = Self.bicubic(low, factor: factor)
            let lowBase = try Lanczos2Kernel.downsample(base, width: low.width * factor, height: low.height * factor,
                                                        channels: low.channels, layout: .planar, factor: factor)
            return FitTarget(data: .downsampledMSE(target: zip(low.planes, lowBase).map { $0 - $1 + 0.5 }, factor: factor),
                             residualBase: base)
        }, finish: { high in
            // image(like:) clamps to [0, 1]; back-projection only fails on mismatched sizes.
            guard passes > 0, let consistent = try? Self.backProjected(high, low: low, factor: factor, passes: passes) else {
                return high.image(like: image, alpha: alpha)
            }
            return consistent.image(like: image, alpha: alpha)
        })
    }

    /// The downsamplers back-projection can take for d: DIP's Lanczos2 kernel (the fit's data
    /// term) or the `resize` filter's lanczos3 (PIL's ANTIALIAS, which made the paper's inputs).
    enum Downsampler { case lanczos2, lanczos3 }

    /// d(f): `high` downsampled by `factor` with `downsampler`.
    static func downsampled(_ high: PlanarImage, factor: Int, _ downsampler: Downsampler) throws -> [Float] {
        switch downsampler {
        case .lanczos2:
            return try Lanczos2Kernel.downsample(high.planes, width: high.width, height: high.height, channels: high.channels,
                                                 layout: .planar, factor: factor)
        case .lanczos3:
            return high.resampled(width: high.width / factor, height: high.height / factor, kernel: .lanczos3).planes
        }
    }

    /// Iterative back-projection (Irani & Peleg, 1991): `passes` times f ← f + U(x̂ − d(f)), with d
    /// `downsampler` and U bicubic upscaling. Each pass removes most of what is left of d(f) − x̂
    /// while adding only what U makes of it (smooth, low-frequency detail).
    static func backProjected(_ high: PlanarImage, low: PlanarImage, factor: Int, passes: Int,
                              downsampler: Downsampler = .lanczos2) throws -> PlanarImage {
        var f = high
        for _ in 0..<passes {
            let d = try downsampled(f, factor: factor, downsampler)
            let residual = PlanarImage(width: low.width, height: low.height, channels: low.channels,
                                       planes: zip(low.planes, d).map { $0 - $1 })
            let up = bicubic(residual, factor: factor)
            for i in 0..<f.planes.count { f.planes[i] += up[i] }
        }
        return f
    }

    /// Bicubic upscaling of each plane by `factor`: the classical answer the residual fit starts from.
    static func bicubic(_ low: PlanarImage, factor: Int) -> [Float] {
        low.resampled(width: low.width * factor, height: low.height * factor, kernel: .bicubic).planes
    }
}
