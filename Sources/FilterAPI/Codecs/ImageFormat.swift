/// The image file formats dip reads and writes.
public enum ImageFormat: String, CaseIterable, Sendable {
    case png, tiff, jpeg, pnm, pam

    /// The format whose signature `prefix` (the first bytes of a file or stream) starts with, or nil.
    /// Eight bytes are enough for every format; fewer still work when they are unambiguous.
    public static func detect(_ prefix: [UInt8]) -> ImageFormat? {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if prefix.count >= 4, Array(prefix.prefix(8)) == Array(png.prefix(min(8, prefix.count))) {
            return .png
        }
        if prefix.count >= 3, prefix[0] == 0xFF, prefix[1] == 0xD8, prefix[2] == 0xFF { return .jpeg }
        if prefix.count >= 4 {
            let little = prefix[0] == 0x49 && prefix[1] == 0x49 && prefix[3] == 0   // "II*\0", BigTIFF "II+\0"
                && (prefix[2] == 42 || prefix[2] == 43)
            let big = prefix[0] == 0x4D && prefix[1] == 0x4D && prefix[2] == 0      // "MM\0*", "MM\0+"
                && (prefix[3] == 42 || prefix[3] == 43)
            if little || big { return .tiff }
        }
        if prefix.count >= 2, prefix[0] == UInt8(ascii: "P"),
           (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(prefix[1]) {
            // The magic number is followed by whitespace (or a comment) in every netpbm file.
            if prefix.count >= 3, !PNMSyntax.isWhitespace(prefix[2]), prefix[2] != UInt8(ascii: "#") {
                return nil
            }
            return prefix[1] == UInt8(ascii: "7") ? .pam : .pnm
        }
        return nil
    }

    /// The extension a file written in this format gets (`fromExtension` reads it back).
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .tiff: return "tif"
        case .jpeg: return "jpg"
        case .pnm: return "pnm"
        case .pam: return "pam"
        }
    }

    /// The format a file name's extension names (case-insensitive), or nil.
    public static func fromExtension(_ path: String) -> ImageFormat? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "png": return .png
        case "tif", "tiff": return .tiff
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        case "pnm", "pbm", "pgm", "ppm": return .pnm
        case "pam": return .pam
        default: return nil
        }
    }
}
