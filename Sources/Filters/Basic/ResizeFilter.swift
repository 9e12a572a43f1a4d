import FilterAPI

/// `resize`: scales an image by a factor or to a given width and/or height.
///
/// Kernels: `lanczos3` (default: the sharpest of the usual choices, and what ImageMagick and
/// libvips use for quality downscales) or `bicubic` (Keys, a = −0.5, as Pillow and MATLAB). When
/// shrinking, the kernel is widened by the scale factor so it averages the pixels it replaces
/// (antialiasing, as ImageMagick and Pillow do). Colour is resampled premultiplied by alpha and
/// divided back afterwards, so fully transparent pixels cannot bleed their (invisible) colour into
/// visible neighbours; results are clamped to [0, 1] (Lanczos and bicubic overshoot at edges).
/// A resize to the input's own size returns the input unchanged, bit for bit. The output keeps the
/// input's sample format and channels.
public final class ResizeFilter: Filter {
    public static let name = "resize"
    public static let summary = "Resize by --scale or to --width/--height (antialiased lanczos3 or bicubic)"
    public static let details = """
        Give either --scale S, or --width W and/or --height H (one alone keeps the aspect ratio).
        Sizes round to the nearest pixel (at least 1); each output side is limited to \(maxSide).
        Downscaling antialiases (the kernel widens by the scale factor). Alpha is resampled
        premultiplied. A resize to the same size is an exact copy.
        """
    /// Largest output side accepted: anything beyond is surely a typo (and would not fit in memory).
    public static let maxSide = 1 << 20

    static let scaleParameter = OptionalParameter<Double>.number("scale", 0.0001...10_000,
        defaultNote: "from --width/--height", help: "Scale factor for both sides (e.g. 0.5, 2)")
    static let widthParameter = OptionalParameter<Int>.int("width", 1...maxSide,
        defaultNote: "from --scale, or --height and the aspect ratio", help: "Output width in pixels")
    static let heightParameter = OptionalParameter<Int>.int("height", 1...maxSide,
        defaultNote: "from --scale, or --width and the aspect ratio", help: "Output height in pixels")
    static let method = Parameter<ResampleKernel>.choice("method", default: .lanczos3,
        help: "Interpolation kernel: lanczos3 (sharp) or bicubic (Keys a=-0.5)")
    public static let parameters: [ParameterSpec] = [scaleParameter.spec, widthParameter.spec, heightParameter.spec, method.spec]

    let scale: Double?
    let width: Int?
    let height: Int?
    let kernel: ResampleKernel

    public init(parameters: ParameterValues) throws {
        scale = parameters.value(Self.scaleParameter)
        width = parameters.value(Self.widthParameter)
        height = parameters.value(Self.heightParameter)
        kernel = parameters.value(Self.method)
        if scale != nil {
            guard width == nil, height == nil else {
                throw DipError.badParameter("--scale", "give either --scale or --width/--height, not both")
            }
        } else if width == nil && height == nil {
            throw DipError.badParameter("resize", "give --scale, --width or --height")
        }
    }

    public func outputSize(width inW: Int, height inH: Int) throws -> (width: Int, height: Int) {
        guard inW > 0, inH > 0 else { throw DipError.badImage("resize", "input is \(inW)x\(inH)") }
        var w: Double, h: Double
        if let scale {
            w = Double(inW) * scale
            h = Double(inH) * scale
        } else if let width, let height {
            w = Double(width); h = Double(height)
        } else if let width {
            w = Double(width); h = Double(inH) * Double(width) / Double(inW)
        } else if let height {
            h = Double(height); w = Double(inW) * Double(height) / Double(inH)
        } else {
            throw DipError.badParameter("resize", "give --scale, --width or --height")
        }
        w = max(1, w.rounded()); h = max(1, h.rounded())
        let limit = Double(Self.maxSide)
        guard w.isFinite, h.isFinite, w <= limit, h <= limit else {
            throw DipError.badParameter("resize", "output size \(Self.describe(w))x\(Self.describe(h)) is too large (each side at most \(Self.maxSide))")
        }
        return (Int(w), Int(h))
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        let image = inputs.image
        let (ow, oh) = try outputSize(width: image.width, height: image.height)
        if ow == image.width && oh == image.height { return image }
        guard ow * oh <= context.maxPixels else {
            throw DipError.noMemory("resize: output of \(ow)x\(oh) exceeds --max-pixels \(context.maxPixels)")
        }
        guard image.pixels.count == image.pixelCount * image.channels, image.channels > 0 else {
            throw DipError.badImage(inputs.imageName, "pixel buffer does not match the image size")
        }
        var src = image.pixels
        if image.hasAlpha { AlphaPremultiply.premultiply(&src, channels: image.channels) }
        var out = Resampler.resample(src, width: image.width, height: image.height, channels: image.channels,
                                     outWidth: ow, outHeight: oh, kernel: kernel)
        if image.hasAlpha {
            AlphaPremultiply.unpremultiply(&out, channels: image.channels)
        } else {
            for i in out.indices { out[i] = min(max(out[i], 0), 1) }
        }
        // Start from the input so its metadata (format, maxval, PNM variant) carries over.
        var result = image
        result.width = ow
        result.height = oh
        result.pixels = out
        return result
    }

    private static func describe(_ v: Double) -> String { v.isFinite ? String(Int(v)) : "inf" }
}
