import CTIFFCodec
import Glibc

/// TIFF through libtiff over memory buffers (C side: Sources/CTIFFCodec/dip_tiff.c; libtiff's
/// messages are collected per handle, never printed).
///
/// Reads the first page: 8/16-bit unsigned and 32-bit float grey/RGB (± alpha), strips or tiles,
/// contiguous or separate planes directly; other layouts libtiff can render (palette, bilevel,
/// YCbCr, CMYK) as 8-bit RGB(A). Float samples are clamped into [0, 1]. Writes 8-bit, 16-bit or
/// float as the image's format says (1/2/4-bit → 8), Deflate-compressed, strips or tiles.
enum TIFFCodec {
    static func decode(_ bytes: [UInt8], name: String, maxPixels: Int) throws -> Image {
        var result = dip_tiff_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            dip_tiff_decode(buffer.baseAddress, buffer.count, UInt64(max(0, maxPixels)), &result,
                            &message, message.count)
        }
        guard status == 0, let pixels = result.pixels else {
            throw DipError.badImage(name, "invalid TIFF: \(String(cString: message))")
        }
        defer { free(pixels) }
        let width = Int(result.width), height = Int(result.height), channels = Int(result.channels)
        let count = width * height * channels
        if result.isFloat != 0 {
            return Image(width: width, height: height, channels: channels, format: .float32,
                         pixels: SampleQuantizer.clampedFloats(from: pixels, count: count))
        }
        let bits = Int(result.bits)
        let samples = SampleQuantizer.floats(from: pixels, count: count, wide: bits == 16,
                                             maxval: (1 << bits) - 1)
        return Image(width: width, height: height, channels: channels, format: .unsigned(bits: bits),
                     pixels: samples)
    }

    static func encode(_ image: Image, tileSize: Int) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let tile = UInt32(max(0, min(tileSize, 1 << 16)))
        func run(_ raw: UnsafeMutableRawBufferPointer, bits: Int) -> Int32 {
            dip_tiff_encode(raw.baseAddress, UInt32(image.width), UInt32(image.height),
                            Int32(image.channels), Int32(bits), tile, &out, &size, &message,
                            message.count)
        }
        let status: Int32
        switch image.format {
        case .float32:
            var floats = image.pixels   // scratch copy: libtiff's predictor works in place
            status = floats.withUnsafeMutableBytes { run($0, bits: 32) }
        case .unsigned(let bits) where bits > 8:
            var words = SampleQuantizer.words(image.pixels, maxval: 65535)
            status = words.withUnsafeMutableBytes { run($0, bits: 16) }
        case .unsigned:
            var bytes = SampleQuantizer.bytes(image.pixels, maxval: 255)
            status = bytes.withUnsafeMutableBytes { run($0, bits: 8) }
        }
        guard status == 0, let out else {
            throw DipError.failure("cannot encode TIFF: \(String(cString: message))")
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
