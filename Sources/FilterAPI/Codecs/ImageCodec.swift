#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes and encodes whole images in memory, choosing the codec by format.
public enum ImageCodec {
    /// Decodes the image in `bytes`, its format detected from the first bytes. `name` (a path,
    /// "stdin image 2") prefixes every error. For PNM/PAM and PNG, data after the first image is
    /// ignored here (use ImageStreamReader to read every image of a stream). Sizes above
    /// `maxPixels` are refused before any pixel buffer is allocated.
    public static func decode(_ bytes: [UInt8], name: String,
                              maxPixels: Int = FilterContext.defaultMaxPixels) throws -> Image {
        guard !bytes.isEmpty else { throw DipError.badImage(name, "empty input (no image)") }
        guard let format = ImageFormat.detect(Array(bytes.prefix(8))) else {
            throw DipError.badImage(name, "unknown image format (starts with \(hexPrefix(bytes)))")
        }
        return try decode(bytes, as: format, name: name, maxPixels: maxPixels)
    }

    /// Decodes `bytes` as `format` (no detection).
    static func decode(_ bytes: [UInt8], as format: ImageFormat, name: String,
                       maxPixels: Int) throws -> Image {
        switch format {
        case .png: return try PNGCodec.decode(bytes, name: name, maxPixels: maxPixels)
        case .jpeg: return try JPEGCodec.decode(bytes, name: name, maxPixels: maxPixels)
        case .tiff: return try TIFFCodec.decode(bytes, name: name, maxPixels: maxPixels)
        case .pnm, .pam:
            var source = MemoryBytes(bytes: bytes)
            do {
                return try PNMDecoder.decode(&source, maxPixels: maxPixels).0
            } catch let problem as FormatProblem {
                throw DipError.badImage(name, problem.message)
            }
        }
    }

    /// Encodes `image` as `format`, keeping its precision where the format allows (see each codec;
    /// JPEG is always 8-bit, PNG/PNM turn float into 16-bit).
    public static func encode(_ image: Image, as format: ImageFormat,
                              options: EncodeOptions = .init()) throws -> [UInt8] {
        guard image.width > 0, image.height > 0, (1...4).contains(image.channels),
              image.pixels.count == image.width * image.height * image.channels else {
            throw DipError.misuse("cannot encode a \(image.width)x\(image.height) image with \(image.channels) channels and \(image.pixels.count) samples")
        }
        switch format {
        case .png: return try PNGCodec.encode(image)
        case .jpeg: return try JPEGCodec.encode(image, quality: options.jpegQuality,
                                                    progressive: options.jpegProgressive)
        case .tiff: return try TIFFCodec.encode(image, tileSize: options.tiffTileSize)
        case .pnm, .pam: return try PNMEncoder.encode(image, as: format)
        }
    }

    /// Reads and decodes the image file at `path`; errors name the path.
    public static func read(path: String, maxPixels: Int = FilterContext.defaultMaxPixels) throws -> Image {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw DipError.badImage(path, reason)
        }
        return try decode([UInt8](data), name: path, maxPixels: maxPixels)
    }

    /// Encodes `image` and writes it to `path` atomically, in `format` or else the format the
    /// path's extension names (PNG when it names none).
    public static func write(_ image: Image, to path: String, format: ImageFormat? = nil,
                             options: EncodeOptions = .init()) throws {
        let chosen = format ?? ImageFormat.fromExtension(path) ?? .png
        try AtomicFile.write(try encode(image, as: chosen, options: options), to: path)
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(8).map(NumberText.hex2).joined(separator: " ")
    }
}
