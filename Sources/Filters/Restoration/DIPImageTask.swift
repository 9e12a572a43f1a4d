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

    /// Fits the net directly to the input image (denoise, deblock): ||f − x̂||².
    static func fitToTarget(filter: String, recipe: DIPRecipe, overrides: RestorationParameters.Overrides,
                            inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        try validate(image, name: inputs.imageName, context: context)
        let colours = PlanarImage(colorsOf: image)
        let r = recipe.withChannels(colours.channels)
        let padded = colours.padded(toMultipleOf: r.net.sizeMultiple, atLeast: 2 * r.net.sizeMultiple)
        let out = try DIPRunner.fit(filter: filter, recipe: r, width: padded.width, height: padded.height,
                                    input: netInput(r, padded: padded, guide: nil),
                                    data: .mse(target: padded.planes),
                                    seed: overrides.seed ?? context.seed, maxSeconds: overrides.maxSeconds,
                                    context: context, imageName: inputs.imageName)
        let result = PlanarImage(width: padded.width, height: padded.height, channels: colours.channels, planes: out)
            .cropped(width: image.width, height: image.height)
        return result.image(like: image, alpha: PlanarImage.alpha(of: image))
    }

    /// The net input z for a recipe: noise, meshgrid, or the (padded) guide image.
    static func netInput(_ recipe: DIPRecipe, padded: PlanarImage, guide: PlanarImage?) -> NetInput {
        switch recipe.input {
        case .noise(let depth): return .uniformNoise(depth: depth, scale: 0.1)
        case .meshgrid: return .meshgrid
        case .guide:
            let g = guide ?? padded
            return .image(planar: g.planes, channels: g.channels)
        }
    }
}
