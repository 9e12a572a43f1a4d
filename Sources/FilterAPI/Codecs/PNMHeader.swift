/// A parsed netpbm header (P1–P7) and where its raster starts.
struct PNMHeader {
    var magic: Int
    var width: Int
    var height: Int
    var depth: Int
    var maxval: Int
    var tupleType: String?
    /// Offset of the first raster byte from the start of the image.
    var rasterOffset: Int

    /// Headers longer than this are garbage, not images (and must not make us buffer forever).
    static let maxHeaderBytes = 65_536
    static let maxDimension = 1 << 30

    /// Parses the header at the start of `source`. Throws a one-line problem (the caller adds the
    /// input's name) for anything that is not a well-formed header of a supported image.
    static func parse<S: ByteSource>(_ source: inout S) throws -> PNMHeader {
        guard try source.byte(at: 0) == UInt8(ascii: "P"), let digit = try source.byte(at: 1),
              digit >= UInt8(ascii: "1"), digit <= UInt8(ascii: "7") else {
            throw FormatProblem("not a netpbm file (no P1–P7 magic number)")
        }
        let magic = Int(digit - UInt8(ascii: "0"))
        if magic == 7 { return try parsePAM(&source) }
        var cursor = 2
        let width = try readHeaderInteger(&source, &cursor, what: "width")
        let height = try readHeaderInteger(&source, &cursor, what: "height")
        var maxval = 1
        if magic != 1 && magic != 4 {
            maxval = try readHeaderInteger(&source, &cursor, what: "maxval")
        }
        // Exactly one whitespace character separates the header from the raster.
        guard let separator = try source.byte(at: cursor) else {
            throw FormatProblem("truncated header")
        }
        guard PNMSyntax.isWhitespace(separator) else {
            throw FormatProblem("header is not followed by whitespace")
        }
        let depth = (magic == 3 || magic == 6) ? 3 : 1
        let header = PNMHeader(magic: magic, width: width, height: height, depth: depth,
                               maxval: maxval, tupleType: nil, rasterOffset: cursor + 1)
        try header.validate()
        return header
    }

    /// Reads a decimal integer after whitespace and comments; stops on the byte after its digits.
    private static func readHeaderInteger<S: ByteSource>(_ source: inout S, _ cursor: inout Int,
                                                         what: String) throws -> Int {
        while true {
            guard cursor < maxHeaderBytes else { throw FormatProblem("header is too long") }
            guard let byte = try source.byte(at: cursor) else {
                throw FormatProblem("truncated header (no \(what))")
            }
            if PNMSyntax.isWhitespace(byte) {
                cursor += 1
            } else if byte == UInt8(ascii: "#") {
                while let c = try source.byte(at: cursor), c != 0x0A, c != 0x0D {
                    cursor += 1
                    guard cursor < maxHeaderBytes else { throw FormatProblem("header is too long") }
                }
            } else {
                break
            }
        }
        var value = 0
        var digits = 0
        while let byte = try source.byte(at: cursor), PNMSyntax.isDigit(byte) {
            value = value * 10 + Int(byte - 0x30)
            digits += 1
            cursor += 1
            guard value <= maxDimension else { throw FormatProblem("\(what) is absurdly large") }
        }
        guard digits > 0 else { throw FormatProblem("header has no valid \(what)") }
        if let next = try source.byte(at: cursor), !PNMSyntax.isWhitespace(next), next != UInt8(ascii: "#") {
            throw FormatProblem("header has a malformed \(what)")
        }
        return value
    }

    /// Parses a PAM header: "P7\n" then KEY value lines until ENDHDR.
    private static func parsePAM<S: ByteSource>(_ source: inout S) throws -> PNMHeader {
        var cursor = 2
        var fields: [String: Int] = [:]
        var tupleType: String?
        var sawEnd = false
        guard let first = try source.byte(at: cursor), PNMSyntax.isWhitespace(first) else {
            throw FormatProblem("PAM magic number is not followed by a newline")
        }
        while !sawEnd {
            var line: [UInt8] = []
            while true {
                guard cursor < maxHeaderBytes else { throw FormatProblem("PAM header is too long") }
                guard let byte = try source.byte(at: cursor) else {
                    throw FormatProblem("truncated PAM header (no ENDHDR)")
                }
                cursor += 1
                if byte == 0x0A { break }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            let trimmed = text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let key = String(parts[0]).trimmingWhitespace()
            let rest = parts.count > 1 ? String(parts[1]).trimmingWhitespace() : ""
            switch key {
            case "ENDHDR":
                sawEnd = true
            case "TUPLTYPE":
                tupleType = tupleType.map { $0 + " " + rest } ?? rest
            case "WIDTH", "HEIGHT", "DEPTH", "MAXVAL":
                guard !rest.isEmpty, rest.utf8.allSatisfy(PNMSyntax.isDigit), rest.count <= 10,
                      let value = Int(rest), value <= maxDimension else {
                    throw FormatProblem("PAM header has an invalid \(key) '\(rest.prefix(20))'")
                }
                fields[key] = value
            default:
                throw FormatProblem("PAM header has an unknown keyword '\(key.prefix(20))'")
            }
        }
        for key in ["WIDTH", "HEIGHT", "DEPTH", "MAXVAL"] where fields[key] == nil {
            throw FormatProblem("PAM header has no \(key)")
        }
        let header = PNMHeader(magic: 7, width: fields["WIDTH"] ?? 0, height: fields["HEIGHT"] ?? 0,
                               depth: fields["DEPTH"] ?? 0, maxval: fields["MAXVAL"] ?? 0,
                               tupleType: tupleType, rasterOffset: cursor)
        try header.validate()
        return header
    }

    private func validate() throws {
        guard width > 0, height > 0 else {
            throw FormatProblem("image has zero width or height (\(width)x\(height))")
        }
        guard maxval >= 1, maxval <= 65535 else {
            throw FormatProblem("maxval \(maxval) is outside 1...65535")
        }
        guard depth >= 1, depth <= 4 else {
            throw FormatProblem("PAM depth \(depth) is not supported (1–4 channels)")
        }
    }

    /// Bytes per sample in a raw (P5/P6/P7) raster.
    var bytesPerSample: Int { maxval < 256 ? 1 : 2 }

    /// Size of a raw raster in bytes (rows of packed bits for P4), Int.max where it overflows:
    /// sides up to 2^30 multiply past Int, and a wrapped size once read "needs -2^63 bytes".
    var rawRasterBytes: Int {
        let factors = magic == 4 ? [(width + 7) / 8, height] : [width, height, depth, bytesPerSample]
        var bytes = 1
        for f in factors {
            let (p, overflow) = bytes.multipliedReportingOverflow(by: f)
            if overflow { return Int.max }
            bytes = p
        }
        return bytes
    }
}

/// A problem found while parsing or framing image data, before the input's name is attached.
struct FormatProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

fileprivate extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
