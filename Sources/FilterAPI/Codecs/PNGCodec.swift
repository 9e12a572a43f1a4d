import CPNGCodec
import Glibc

/// PNG through libpng (C side: Sources/CPNGCodec/dip_png.c, which catches libpng's longjmp errors).
///
/// Reads 1/2/4/8/16-bit grey, grey+alpha, RGB, RGBA and palette images, interlaced or not.
/// Palette → 8-bit RGB (RGBA with tRNS). 1/2/4-bit grey decodes to `.unsigned(bits: 1/2/4)` and is
/// written back at the same depth. Writes 8-bit for 8-bit images, 16-bit for 16-bit and float ones.
enum PNGCodec {
    static func decode(_ bytes: [UInt8], name: String, maxPixels: Int) throws -> Image {
        var result = dip_png_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            dip_png_decode(buffer.baseAddress, buffer.count, UInt64(max(0, maxPixels)), &result,
                           &message, message.count)
        }
        guard status == 0, let pixels = result.pixels else {
            throw DipError.badImage(name, "invalid PNG: \(String(cString: message))")
        }
        defer { free(pixels) }
        let width = Int(result.width), height = Int(result.height), channels = Int(result.channels)
        let bits = Int(result.bits)
        let samples = SampleQuantizer.floats(from: pixels, count: width * height * channels,
                                             wide: bits == 16, maxval: (1 << bits) - 1)
        return Image(width: width, height: height, channels: channels, format: .unsigned(bits: bits),
                     pixels: samples)
    }

    static func encode(_ image: Image) throws -> [UInt8] {
        var bits = SampleQuantizer.integerBits(image.format)
        if bits < 8 && image.channels != 1 { bits = 8 }
        let maxval = (1 << bits) - 1
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status: Int32
        if bits == 16 {
            let words = SampleQuantizer.words(image.pixels, maxval: maxval)
            status = words.withUnsafeBytes { raw in
                dip_png_encode(raw.baseAddress, UInt32(image.width), UInt32(image.height),
                               Int32(image.channels), Int32(bits), &out, &size, &message, message.count)
            }
        } else {
            let bytes = SampleQuantizer.bytes(image.pixels, maxval: maxval)
            status = bytes.withUnsafeBytes { raw in
                dip_png_encode(raw.baseAddress, UInt32(image.width), UInt32(image.height),
                               Int32(image.channels), Int32(bits), &out, &size, &message, message.count)
            }
        }
        guard status == 0, let out else {
            throw DipError.failure("cannot encode PNG: \(String(cString: message))")
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
