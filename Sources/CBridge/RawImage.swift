import FilterAPI

/// A caller's `dip_image` (dip.h), read field by field from its C layout.
///
/// The struct is `{ int width, height, channels, type; size_t stride; void *pixels; }`: on every
/// LP64 target that is four 32-bit ints at offsets 0–12, the stride at 16 and the pointer at 24, 32
/// bytes in all (the C host test asserts `sizeof(dip_image) == 32`). Reading by offset keeps the
/// header hand-written and free of Swift-generated declarations.
struct RawImage {
    static let size = 32

    var width: Int
    var height: Int
    var channels: Int
    var type: Int
    var stride: Int
    var pixels: UnsafeMutableRawPointer?

    /// Reads the `index`-th `dip_image` of an array.
    init(_ base: UnsafeRawPointer, index: Int = 0) {
        let p = base + index * RawImage.size
        width = Int(p.load(fromByteOffset: 0, as: Int32.self))
        height = Int(p.load(fromByteOffset: 4, as: Int32.self))
        channels = Int(p.load(fromByteOffset: 8, as: Int32.self))
        type = Int(p.load(fromByteOffset: 12, as: Int32.self))
        stride = Int(bitPattern: UInt(p.load(fromByteOffset: 16, as: UInt.self)))
        pixels = p.load(fromByteOffset: 24, as: UnsafeMutableRawPointer?.self)
    }

    /// Bytes per sample for a valid `type`.
    var sampleBytes: Int { type == 1 ? 1 : type == 2 ? 2 : 4 }

    var format: SampleFormat {
        type == 1 ? .unsigned(bits: 8) : type == 2 ? .unsigned(bits: 16) : .float32
    }

    /// Checks every field; `role` names the image in messages ("input 1", "output"), `badShape`
    /// turns a problem with the image's shape into the error to throw.
    /// Returns the row stride in bytes. Misuse (NULL pixels, short stride) is the caller's bug,
    /// impossible shapes are a bad image.
    func validate(role: String, maxPixels: Int, badShape: (String) -> DipError) throws -> Int {
        guard width >= 1, height >= 1 else { throw badShape("size \(width)x\(height) is not at least 1x1") }
        guard (1...4).contains(channels) else { throw badShape("\(channels) channels (must be 1 to 4)") }
        guard (1...3).contains(type) else {
            throw badShape("sample type \(type) (must be DIP_U8 1, DIP_U16 2 or DIP_F32 3)")
        }
        let (pixelsCount, o1) = width.multipliedReportingOverflow(by: height)
        guard !o1, pixelsCount <= maxPixels else {
            throw DipError.noMemory("\(role): \(width)x\(height) exceeds the limit of \(maxPixels) pixels")
        }
        let (rowSamples, o2) = width.multipliedReportingOverflow(by: channels)
        let (rowBytes, o3) = rowSamples.multipliedReportingOverflow(by: sampleBytes)
        guard !o2, !o3 else { throw DipError.noMemory("\(role): row of \(width) pixels is too large") }
        let rowStride = stride == 0 ? rowBytes : stride
        guard rowStride >= rowBytes else {
            throw DipError.misuse("\(role): stride \(stride) is smaller than a row (\(rowBytes) bytes)")
        }
        let (_, o4) = rowStride.multipliedReportingOverflow(by: height)
        guard !o4 else { throw DipError.noMemory("\(role): \(height) rows of \(rowStride) bytes is too large") }
        guard pixels != nil else { throw DipError.misuse("\(role): pixels is NULL") }
        guard Int(bitPattern: pixels) % sampleBytes == 0, rowStride % sampleBytes == 0 else {
            throw DipError.misuse("\(role): pixels/stride not aligned to the \(sampleBytes)-byte sample size")
        }
        return rowStride
    }

    /// Converts the caller's buffer to an `Image` (samples in [0, 1], channels kept).
    func toImage(role: String, maxPixels: Int) throws -> Image {
        let rowStride = try validate(role: role, maxPixels: maxPixels, badShape: { DipError.badImage(role, $0) })
        guard let base = pixels else { throw DipError.misuse("\(role): pixels is NULL") }
        let rowSamples = width * channels
        var out = [Float](repeating: 0, count: rowSamples * height)
        try out.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                let row = UnsafeRawPointer(base + y * rowStride)
                let o = y * rowSamples
                switch type {
                case 1:
                    let s = row.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<rowSamples { dst[o + i] = Float(s[i]) / 255 }
                case 2:
                    let s = row.assumingMemoryBound(to: UInt16.self)
                    for i in 0..<rowSamples { dst[o + i] = Float(s[i]) / 65535 }
                default:
                    let s = row.assumingMemoryBound(to: Float.self)
                    for i in 0..<rowSamples {
                        let v = s[i]
                        guard v.isFinite else {
                            throw DipError.badImage(role, "sample \(i % channels) of pixel (\(i / channels), \(y)) is not finite")
                        }
                        dst[o + i] = min(max(v, 0), 1)
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: channels, format: format, pixels: out)
    }

    /// Writes `image` into the caller's buffer, converting to this buffer's channels and type.
    /// The buffer must have been validated with `validate` and have the image's size.
    func store(_ image: Image, rowStride: Int) {
        guard let base = pixels, image.width == width, image.height == height,
              image.pixels.count == width * height * image.channels else { return }
        let inC = image.channels, outC = channels
        let inColour = image.colorChannels, outColour = outC == 2 || outC == 4 ? outC - 1 : outC
        let inAlpha = image.hasAlpha, outAlpha = outC == 2 || outC == 4
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                let row = base + y * rowStride
                for x in 0..<width {
                    let s = (y * width + x) * inC
                    let d = x * outC
                    for c in 0..<outColour {
                        let v: Float
                        if inColour == outColour {
                            v = src[s + c]
                        } else if inColour == 1 {
                            v = src[s]
                        } else {
                            v = 0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2]
                        }
                        put(v, row, d + c)
                    }
                    if outAlpha { put(inAlpha ? src[s + inC - 1] : 1, row, d + outC - 1) }
                }
            }
        }
    }

    /// Stores one sample, clamped to [0, 1] (NaN becomes 0) and rounded for integer types.
    @inline(__always) private func put(_ value: Float, _ row: UnsafeMutableRawPointer, _ i: Int) {
        let v = value.isNaN ? 0 : min(max(value, 0), 1)
        switch type {
        case 1: row.assumingMemoryBound(to: UInt8.self)[i] = UInt8(v * 255 + 0.5)
        case 2: row.assumingMemoryBound(to: UInt16.self)[i] = UInt16(v * 65535 + 0.5)
        default: row.assumingMemoryBound(to: Float.self)[i] = v
        }
    }
}
