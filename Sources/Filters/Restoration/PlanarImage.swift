import DIPEngine
import FilterAPI

/// The colour channels of an image as planes (CHW), the layout the engine trains on, with the
/// reflection padding that brings the sides to a multiple of the net's 2^levels and the crop that
/// undoes it. Alpha is kept aside and put back unchanged.
struct PlanarImage {
    var width: Int
    var height: Int
    var channels: Int
    /// channels × height × width samples.
    var planes: [Float]

    /// The colour channels of `image` (alpha dropped).
    init(colorsOf image: Image) {
        width = image.width
        height = image.height
        channels = image.colorChannels
        let n = width * height, stride = image.channels, cc = channels
        var planes = [Float](repeating: 0, count: cc * n)
        image.pixels.withUnsafeBufferPointer { src in
            planes.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    for c in 0..<cc { dst[c * n + i] = src[i * stride + c] }
                }
            }
        }
        self.planes = planes
    }

    init(width: Int, height: Int, channels: Int, planes: [Float]) {
        self.width = width; self.height = height; self.channels = channels; self.planes = planes
    }

    /// One plane, e.g. a mask: the first channel of `image`, or its alpha when `alpha` is true.
    static func plane(of image: Image, alpha: Bool = false) -> PlanarImage {
        let n = image.pixelCount, stride = image.channels, c = alpha ? image.channels - 1 : 0
        var plane = [Float](repeating: 0, count: n)
        for i in 0..<n { plane[i] = image.pixels[i * stride + c] }
        return PlanarImage(width: image.width, height: image.height, channels: 1, planes: plane)
    }

    /// Reflection padding (PyTorch's ReflectionPad, mirror without repeating the edge) on the right
    /// and bottom so both sides become multiples of `multiple`. Where a side is shorter than its pad
    /// the mirror keeps bouncing between the edges (`Reflection.index`); a 1-pixel side repeats it.
    /// `atLeast`: the smallest side allowed (the net's deepest level must stay above 1×1 for its
    /// reflection-padded 3×3 convs, so DIP filters ask for 2·2^levels).
    func padded(toMultipleOf multiple: Int, atLeast minimum: Int = 0) -> PlanarImage {
        func side(_ n: Int) -> Int { (max(n, minimum) + multiple - 1) / multiple * multiple }
        return padded(width: side(width), height: side(height))
    }

    func padded(width pw: Int, height ph: Int) -> PlanarImage {
        if pw == width && ph == height { return self }
        let xs = (0..<pw).map { Reflection.index($0, width) }
        let ys = (0..<ph).map { Reflection.index($0, height) }
        var out = [Float](repeating: 0, count: channels * pw * ph)
        for c in 0..<channels {
            for y in 0..<ph {
                let srcRow = (c * height + ys[y]) * width, dstRow = (c * ph + y) * pw
                for x in 0..<pw { out[dstRow + x] = planes[srcRow + xs[x]] }
            }
        }
        return PlanarImage(width: pw, height: ph, channels: channels, planes: out)
    }

    /// Each plane resampled to `w` × `h` with `kernel` (`Resampler`).
    func resampled(width w: Int, height h: Int, kernel: ResampleKernel) -> PlanarImage {
        let n = width * height
        var out: [Float] = []
        out.reserveCapacity(channels * w * h)
        for c in 0..<channels {
            out += Resampler.resample(Array(planes[(c * n)..<((c + 1) * n)]), width: width, height: height,
                                      channels: 1, outWidth: w, outHeight: h, kernel: kernel)
        }
        return PlanarImage(width: w, height: h, channels: channels, planes: out)
    }

    /// The `w` × `h` region whose top-left corner is (`x`, `y`) (the top-left region by default).
    func cropped(x: Int = 0, y: Int = 0, width w: Int, height h: Int) -> PlanarImage {
        if x == 0 && y == 0 && w == width && h == height { return self }
        var out = [Float](repeating: 0, count: channels * w * h)
        for c in 0..<channels {
            for row in 0..<h {
                let s = (c * height + y + row) * width + x, d = (c * h + row) * w
                for col in 0..<w { out[d + col] = planes[s + col] }
            }
        }
        return PlanarImage(width: w, height: h, channels: channels, planes: out)
    }

    /// Back to an interleaved image shaped like `template` (same channel layout and sample format),
    /// with `alpha` as its alpha channel when it has one. Non-finite samples become 0; all are
    /// clamped to [0, 1].
    func image(like template: Image, alpha: [Float]?) -> Image {
        var out = Image(width: width, height: height, channels: template.channels, format: template.format,
                        maxval: template.maxval, pixels: [])
        out.pnmVariant = template.pnmVariant
        let n = width * height, stride = template.channels, cc = channels
        var pixels = [Float](repeating: 1, count: n * stride)
        for i in 0..<n {
            for c in 0..<min(cc, stride) {
                let v = planes[c * n + i]
                pixels[i * stride + c] = v.isFinite ? min(max(v, 0), 1) : 0
            }
            if let alpha, template.hasAlpha { pixels[i * stride + stride - 1] = alpha[i] }
        }
        out.pixels = pixels
        return out
    }

    /// The alpha channel of `image` as a flat array, or nil.
    static func alpha(of image: Image) -> [Float]? {
        guard image.hasAlpha else { return nil }
        return plane(of: image, alpha: true).planes
    }
}
