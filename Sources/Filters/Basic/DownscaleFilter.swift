import DIPEngine
import FilterAPI

/// `downscale`: DIP's fixed Lanczos2 downsampler (the super-resolution data term's forward model
/// `d`, `DIPEngine.Lanczos2Kernel`), used to make SR test inputs that match what the SR fit assumes.
///
/// Output is exactly (W/N)×(H/N). An input whose sides are not multiples of N is first centre-cropped
/// to the largest multiples (the extra ⌊r/2⌋ columns/rows come off the left/top, the rest off the
/// right/bottom) — the same centre crop DIP applies to its ground truth — rather than refused, so any
/// image can be used. Alpha is handled premultiplied, as in `resize`; results are clamped to [0, 1]
/// (the Lanczos lobes overshoot slightly at hard edges). The output keeps the input's format.
public final class DownscaleFilter: Filter {
    public static let name = "downscale"
    public static let summary = "Shrink by an integer factor with DIP's Lanczos2 SR downsampler"
    public static let details = """
        Output is exactly floor(W/N) x floor(H/N): sides that are not multiples of N are centre-cropped
        to the largest multiple first. This is the forward model of DIP super-resolution.
        """
    static let factor = Parameter<Int>.int("factor", 2...8, default: 4, help: "Downscaling factor N")
    public static let parameters: [ParameterSpec] = [factor.spec]

    let factor: Int

    public init(parameters: ParameterValues) throws {
        factor = parameters.value(Self.factor)
    }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        guard width >= factor, height >= factor else {
            throw DipError.badImage("downscale", "a \(width)x\(height) image is smaller than the factor \(factor)")
        }
        return (width / factor, height / factor)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        guard image.width >= factor, image.height >= factor else {
            throw DipError.badImage(inputs.imageName, "a \(image.width)x\(image.height) image is smaller than the downscale factor \(factor)")
        }
        guard image.pixels.count == image.pixelCount * image.channels, image.channels > 0 else {
            throw DipError.badImage(inputs.imageName, "pixel buffer does not match the image size")
        }
        let cw = image.width / factor * factor, ch = image.height / factor * factor
        var src = Self.centreCrop(image, width: cw, height: ch)
        if image.hasAlpha { AlphaPremultiply.premultiply(&src, channels: image.channels) }
        var out: [Float]
        do {
            out = try Lanczos2Kernel.downsample(src, width: cw, height: ch, channels: image.channels,
                                                layout: .interleaved, factor: factor)
        } catch let error as EngineError {
            throw DipError.badImage(inputs.imageName, error.description)
        }
        if image.hasAlpha {
            AlphaPremultiply.unpremultiply(&out, channels: image.channels)
        } else {
            for i in out.indices { out[i] = min(max(out[i], 0), 1) }
        }
        // Start from the input so its metadata (format, maxval, PNM variant) carries over.
        var result = image
        result.width = cw / factor
        result.height = ch / factor
        result.pixels = out
        return result
    }

    /// The centred `width × height` window of `image` (its pixels unchanged if it already fits).
    static func centreCrop(_ image: Image, width: Int, height: Int) -> [Float] {
        if width == image.width && height == image.height { return image.pixels }
        let x0 = (image.width - width) / 2, y0 = (image.height - height) / 2, c = image.channels
        var out = [Float](repeating: 0, count: width * height * c)
        for y in 0..<height {
            let from = ((y + y0) * image.width + x0) * c
            out.replaceSubrange((y * width * c)..<((y + 1) * width * c), with: image.pixels[from..<(from + width * c)])
        }
        return out
    }
}
