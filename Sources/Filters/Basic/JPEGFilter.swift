import FilterAPI

/// `jpeg`: compresses and decompresses through libjpeg-turbo (via `ImageCodec`) at a given quality,
/// to make the JPEG-artifact inputs DIP's artifact-removal task works on.
///
/// Grey images are coded as one-channel (greyscale) JPEG and stay grey; RGB as YCbCr with the
/// codec's default chroma subsampling. Alpha is not part of JPEG: it is set aside and put back
/// untouched. The result keeps the input's sample format (a 16-bit input comes back 16-bit, holding
/// the 8-bit values the JPEG round trip produced).
public final class JPEGFilter: Filter {
    public static let name = "jpeg"
    public static let summary = "Round-trip through JPEG at --quality Q (for artifact-removal tests)"
    public static let details = """
        Encodes with libjpeg-turbo at --quality and decodes again. Grey stays grey; alpha is not
        coded and passes through unchanged; the output keeps the input's sample format.
        """
    static let quality = Parameter<Int>.int("quality", 1...100, default: 75, help: "JPEG quality (1 = worst, 100 = best)")
    public static let parameters: [ParameterSpec] = [quality.spec]

    let quality: Int

    public init(parameters: ParameterValues) throws {
        quality = parameters.value(Self.quality)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        guard image.pixels.count == image.pixelCount * image.channels, image.channels > 0, image.pixelCount > 0 else {
            throw DipError.badImage(inputs.imageName, "pixel buffer does not match the image size")
        }
        let colours = image.colorChannels
        var colour = Image(width: image.width, height: image.height, channels: colours, format: .unsigned(bits: 8),
                           pixels: image.hasAlpha ? Self.strip(image) : image.pixels)
        for i in colour.pixels.indices {
            let v = colour.pixels[i]
            colour.pixels[i] = v.isNaN ? 0 : min(max(v, 0), 1)
        }
        var options = EncodeOptions()
        options.jpegQuality = quality
        let bytes = try ImageCodec.encode(colour, as: .jpeg, options: options)
        let decoded = try ImageCodec.decode(bytes, name: "\(inputs.imageName) as JPEG", maxPixels: context.maxPixels)
        guard decoded.width == image.width, decoded.height == image.height, decoded.channels == colours,
              decoded.pixels.count == image.pixelCount * colours else {
            throw DipError.failure("jpeg: the JPEG round trip of \(inputs.imageName) came back as \(decoded.width)x\(decoded.height)x\(decoded.channels)")
        }
        var out = image
        if image.hasAlpha {
            let c = image.channels
            for p in 0..<image.pixelCount {
                for k in 0..<colours { out.pixels[p * c + k] = decoded.pixels[p * colours + k] }
            }
        } else {
            out.pixels = decoded.pixels
        }
        return out
    }

    /// The colour channels of an image with alpha.
    static func strip(_ image: Image) -> [Float] {
        let c = image.channels, colours = image.colorChannels
        var out = [Float](repeating: 0, count: image.pixelCount * colours)
        for p in 0..<image.pixelCount {
            for k in 0..<colours { out[p * colours + k] = image.pixels[p * c + k] }
        }
        return out
    }
}
