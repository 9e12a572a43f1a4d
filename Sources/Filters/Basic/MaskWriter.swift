import FilterAPI

/// Writes a keep/drop mask as an 8-bit grey image file (255 = kept, 0 = dropped), atomically.
/// (Interim: needs the codecs, which are not in the tree yet.)
enum MaskWriter {
    static func write(_ keep: [Bool], width: Int, height: Int, to path: String) throws {
        throw DipError.failure("\(path): writing masks needs the image codecs, not built yet")
    }
}
