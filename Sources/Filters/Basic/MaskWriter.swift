import FilterAPI

/// Writes a keep/drop mask as an 8-bit grey image file (255 = kept, 0 = dropped), atomically.
enum MaskWriter {
    static func write(_ keep: [Bool], width: Int, height: Int, to path: String) throws {
        let mask = Image(width: width, height: height, channels: 1, format: .unsigned(bits: 8),
                         pixels: keep.map { $0 ? 1 : 0 })
        let format = ImageFormat.fromExtension(path) ?? .png
        let bytes = try ImageCodec.encode(mask, as: format)
        try AtomicFile.write(bytes, to: path)
    }
}
