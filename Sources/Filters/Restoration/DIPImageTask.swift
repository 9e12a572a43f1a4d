import DIPEngine
import FilterAPI

/// The image-level work every DIP filter shares: validate, split off alpha, pad to the net's
/// multiple, fit, crop back, and rebuild an image in the input's format.
enum DIPImageTask {
    /// Checks the pixel buffer and the size limit before any work.
    static func validate(_ image: Image, name: String, context: FilterContext) throws {
        guard image.width > 0, image.height > 0, image.channels >= 1, image.channels <= 4,
              image.pixels.count == image.pixelCount * image.channels else {
            throw DipError.badImage(name, "invalid image (\(image.width)x\(image.height), \(image.channels) channels)")
        }
        guard image.pixelCount <= context.maxPixels else {
            throw DipError.noMemory("\(name): \(image.width)x\(image.height) exceeds --max-pixels \(context.maxPixels)")
        }
    }

    /// The one path of every DIP filter: pads `colours` (and `guide`) so that `scale` times the
    /// padded size is a multiple of the net's 2^levels, fits the net at that size through the data
    /// term `target` makes from the padded planes, crops the result back to `scale` × the input,
    /// and turns it into the filter's image with `finish` (alpha, format, kept pixels).
    ///
    /// When the whole image's fit does not fit the memory budget, the same is done tile by tile
    /// (`TilePlan`) and the tiles' results are blended before `finish`. `target` gets the padded
    /// planes and the region of the input they show; it returns nil when the region has nothing
    /// to fit (scale 1 only: the region then keeps its input).
    static func restore(filter: String, recipe: DIPRecipe, choice: RestorationParameters.Choice,
                        colours: PlanarImage, scale: Int = 1, guide: PlanarImage? = nil,
                        inputs: FilterInputs, context: FilterContext,
                        target: (PlanarImage, TilePlan.Region) throws -> FitTarget?,
                        finish: @escaping (PlanarImage) -> Image) throws -> Image {
        let r = choice.apply(to: recipe).withChannels(colours.channels, guideChannels: guide?.channels ?? 3)
        // A side L is padded so that scale·L is a multiple of 2^levels and at least the net's
        // smallest side (twice the multiple for 3×3 kernels; the deepest maps must outlast the pad).
        let multiple = r.net.sizeMultiple
        let step = multiple / gcd(multiple, scale)
        let minimum = (max(2 * multiple, r.net.minimumSide) + scale - 1) / scale
        // What a tiled run holds besides its fits: the input image and its planes, the guide, the
        // blend's sums and weights, and the output image.
        let outputFloats = colours.planes.count * scale * scale
        let held = 4 * (2 * colours.planes.count + (guide?.planes.count ?? 0) + 3 * outputFloats)
        let plan = try TilePlan.make(width: colours.width, height: colours.height, scale: scale, config: r.net,
                                     step: step, minimum: minimum, budget: context.maxMemory, held: held,
                                     imageName: inputs.imageName)
        let seed = choice.seed(context)

        /// Fits one region; returns its result (planes at scale × the region), or nil from `target`.
        func fit(_ region: TilePlan.Region, tile: Int, context: FilterContext,
                 render: @escaping ([Float], FitRequest) -> Image) throws -> [Float]? {
            let crop = colours.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
            let padded = crop.padded(toMultipleOf: step, atLeast: minimum)
            let input: NetInput
            switch r.input {
            case .noise(let depth): input = .uniformNoise(depth: depth, scale: 0.1)
            case .meshgrid: input = .meshgrid
            case .guide:
                let g = guide?.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
                    .padded(width: padded.width, height: padded.height) ?? padded
                input = .image(planar: g.planes, channels: g.channels)
            }
            guard let fitTarget = try target(padded, region) else { return nil }
            // Each tile its own draw of z and weights (one seed would repeat one pattern per tile).
            let request = FitRequest(filter: filter, imageName: inputs.imageName, recipe: r,
                                     width: padded.width * scale, height: padded.height * scale,
                                     input: input, data: fitTarget.data,
                                     seed: tile == 0 ? seed : SeededRandom.streamSeed(seed, "tile \(tile)"),
                                     maxSeconds: choice.maxSeconds, memoryBudget: context.maxMemory,
                                     residualBase: fitTarget.residualBase)
            let planes = try DIPRunner.fit(request, context: context) { render($0, request) }
            return PlanarImage(width: request.width, height: request.height, channels: colours.channels, planes: planes)
                .cropped(width: region.width * scale, height: region.height * scale).planes
        }

        if plan.isWhole {
            let region = plan.regions[0]
            let render = { (planes: [Float], request: FitRequest) -> Image in
                finish(PlanarImage(width: request.width, height: request.height, channels: colours.channels, planes: planes)
                    .cropped(width: region.width * scale, height: region.height * scale))
            }
            guard let planes = try fit(region, tile: 0, context: context, render: render) else {
                return finish(colours)
            }
            return finish(PlanarImage(width: colours.width * scale, height: colours.height * scale,
                                      channels: colours.channels, planes: planes))
        }

        // Tiles, blended; progress and the observer's view are told which tile (`TileProgress`).
        return finish(try TileBlend.fitted(plan, channels: colours.channels, context: context) { k, region, tileContext, view in
            let render = { (planes: [Float], request: FitRequest) -> Image in
                finish(view(PlanarImage(width: request.width, height: request.height, channels: colours.channels, planes: planes)
                    .cropped(width: region.width * scale, height: region.height * scale).planes))
            }
            return try fit(region, tile: k, context: tileContext, render: render)
                ?? colours.cropped(x: region.x, y: region.y, width: region.width, height: region.height).planes
        })
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

extension DIPImageTask {
    /// Fits the net directly to the input image (denoise, deblock): ||f − x̂||². With
    /// `noiseSigma` (the noise level on the [0, 1] scale) the estimate f is blended with the
    /// input y as α·f + (1 − α)·y, α = min(1, σ² / mean((f − y)²)): the blend that minimises the
    /// expected error when f's error is independent of the noise. An underfitted f (few steps)
    /// then leans on the input, so the result is never worse than doing nothing; a fitted f, whose
    /// residual is at or below σ², is returned as it is.
    static func fitToTarget(filter: String, recipe: DIPRecipe, choice: RestorationParameters.Choice,
                            noiseSigma: Double? = nil, inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try validate(image, name: inputs.imageName, context: context)
        let alpha = PlanarImage.alpha(of: image)
        let colours = PlanarImage(colorsOf: image)
        return try restore(filter: filter, recipe: recipe, choice: choice, colours: colours,
                           inputs: inputs, context: context, target: { padded, _ in FitTarget(data: .mse(target: padded.planes)) },
                           finish: { fitted in
            guard let noiseSigma else { return fitted.image(like: image, alpha: alpha) }
            return blend(fitted, colours, sigma: noiseSigma).image(like: image, alpha: alpha)
        })
    }

    /// α·f + (1 − α)·y with α = min(1, σ² / mean((f − y)²)) (see `fitToTarget`).
    static func blend(_ f: PlanarImage, _ y: PlanarImage, sigma: Double) -> PlanarImage {
        var r = 0.0
        for i in 0..<f.planes.count { let d = Double(min(max(f.planes[i], 0), 1) - y.planes[i]); r += d * d }
        r /= Double(max(f.planes.count, 1))
        let a = r > 0 ? Float(min(1, sigma * sigma / r)) : 1
        guard a < 1 else { return f }
        var out = f
        for i in 0..<out.planes.count { out.planes[i] = a * min(max(f.planes[i], 0), 1) + (1 - a) * y.planes[i] }
        return out
    }
}
