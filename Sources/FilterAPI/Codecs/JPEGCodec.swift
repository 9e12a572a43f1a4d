import CJPEGCodec
import Glibc

/// JPEG through libjpeg-turbo (C side: Sources/CJPEGCodec/dip_jpeg.c, which catches error_exit).
///
/// Reads baseline and progressive grey/YCbCr/CMYK JPEGs as 8-bit grey or RGB; corrupt or truncated
/// data is an error, not a grey-filled picture. Writes 8-bit grey or RGB; alpha is dropped (JPEG
/// has none), other precisions are quantised to 8 bits.
enum JPEGCodec {
    static func decode(_ bytes: [UInt8], name: String, maxPixels: Int) throws -> Image {
        var result = dip_jpeg_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            dip_jpeg_decode(buffer.baseAddress, buffer.count, UInt64(max(0, maxPixels)), &result,
                            &message, message.count)
        }
        guard status == 0, let pixels = result.pixels else {
            throw DipError.badImage(name, "invalid JPEG: \(String(cString: message))")
        }
        defer { free(pixels) }
        let width = Int(result.width), height = Int(result.height), channels = Int(result.channels)
        let samples = SampleQuantizer.floats(from: pixels, count: width * height * channels,
                                             wide: false, maxval: 255)
        return Image(width: width, height: height, channels: channels, format: .unsigned(bits: 8),
                     pixels: samples)
    }

    static func encode(_ image: Image, quality: Int, progressive: Bool) throws -> [UInt8] {
        let colour = image.colorChannels >= 3 ? 3 : 1
        var pixels = image.pixels
        if colour != image.channels {
            // Keep the colour channels only.
            let count = image.pixelCount
            pixels = [Float](repeating: 0, count: count * colour)
            image.pixels.withUnsafeBufferPointer { src in
                pixels.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<count {
                        for c in 0..<colour { dst[i * colour + c] = src[i * image.channels + c] }
                    }
                }
            }
        }
        let bytes = SampleQuantizer.bytes(pixels, maxval: 255)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            dip_jpeg_encode(buffer.baseAddress, UInt32(image.width), UInt32(image.height),
                            Int32(colour), Int32(max(1, min(100, quality))), progressive ? 1 : 0, &out, &size,
                            &message, message.count)
        }
        guard status == 0, let out else {
            throw DipError.failure("cannot encode JPEG: \(String(cString: message))")
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
