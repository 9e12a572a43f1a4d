import FilterAPI

/// `drop-pixels`: removes a random fraction of pixels, the degradation of DIP's restoration
/// benchmark ("50% of pixels missing").
///
/// Each pixel is dropped independently with probability F (a Bernoulli mask, as in the DIP
/// reference), so the dropped share is F on average, not exactly. A dropped pixel becomes 0 in every
/// colour channel; alpha is left as it was. With `--mask-out FILE` the mask is written as 8-bit grey
/// (255 = kept, 0 = dropped) atomically, in the format the file's extension names (PNG otherwise);
/// for a stream of several images the file holds the mask of the last one. Draws come from the
/// seeded PRNG (stream "drop-pixels").
public final class DropPixelsFilter: Filter {
    public static let name = "drop-pixels"
    public static let summary = "Drop a random fraction of pixels (seeded), optionally writing the mask"
    public static let details = """
        Each pixel is dropped independently with probability F (so about F of them, not exactly F).
        A dropped pixel becomes 0 in every colour channel; alpha is untouched. --mask-out FILE writes
        the mask as 8-bit grey (255 kept, 0 dropped), atomically, format from the extension (PNG
        otherwise); with several images in a stream it holds the last image's mask.
        """
    static let fraction = Parameter<Double>.number("fraction", 0...1, default: 0.5,
                                                    help: "Probability that each pixel is dropped (set to 0)")
    static let maskOut = OptionalParameter<String>.text("mask-out", defaultNote: "no mask file",
        help: "Write the mask here (white = kept, black = dropped; format from the extension, default PNG)")
    public static let parameters: [ParameterSpec] = [fraction.spec, maskOut.spec, FilterSeed.parameter.spec]

    let fraction: Double
    let maskOut: String?
    let seed: UInt64?

    public init(parameters: ParameterValues) throws {
        fraction = parameters.value(Self.fraction)
        maskOut = parameters.value(Self.maskOut)
        seed = FilterSeed.given(parameters)
    }

    /// The mask for an image of `count` pixels: true = kept.
    func mask(count: Int, context: FilterContext) -> [Bool] {
        var rng = FilterSeed.generator(seed, context: context, stream: Self.name)
        var keep = [Bool](repeating: true, count: count)
        for i in 0..<count { keep[i] = rng.nextUniformDouble() >= fraction }
        return keep
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        var image = inputs.image
        guard image.pixels.count == image.pixelCount * image.channels, image.channels > 0 else {
            throw DipError.badImage(inputs.imageName, "pixel buffer does not match the image size")
        }
        let keep = mask(count: image.pixelCount, context: context)
        let channels = image.channels, colours = image.colorChannels
        image.pixels.withUnsafeMutableBufferPointer { p in
            for (i, k) in keep.enumerated() where !k {
                for c in 0..<colours { p[i * channels + c] = 0 }
            }
        }
        if let maskOut { try MaskWriter.write(keep, width: image.width, height: image.height, to: maskOut) }
        return image
    }
}
