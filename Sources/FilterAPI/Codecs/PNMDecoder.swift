/// Reads one netpbm image (P1–P7) to netpbm's rules. Plain rasters are read token by token from
/// the source, raw ones in one piece, so framing an image in a stream and decoding it is one pass.
enum PNMDecoder {
    /// Decodes the image at the start of `source`; returns it and the offset just past its raster.
    static func decode<S: ByteSource>(_ source: inout S, maxPixels: Int) throws -> (Image, Int) {
        let header = try PNMHeader.parse(&source)
        let (pixelCount, overflow) = header.width.multipliedReportingOverflow(by: header.height)
        guard !overflow, pixelCount <= maxPixels else {
            throw FormatProblem("image is \(header.width)x\(header.height), more than the limit of \(maxPixels) pixels")
        }
        // The pixel array is allocated only once the raster is known to be there (raw) or grows
        // as samples arrive (plain), so a header that lies about its size costs no memory.
        let sampleCount = pixelCount * header.depth
        var pixels: [Float] = []
        var layout = PNMVariant.PlainLayout.pam
        let end: Int
        switch header.magic {
        case 1, 2, 3:
            pixels.reserveCapacity(min(sampleCount, 1 << 20))
            (end, layout) = try readPlain(&source, header: header, count: sampleCount, into: &pixels)
        case 4:
            end = try readRawBitmap(&source, header: header, into: &pixels)
        default:
            end = try readRaw(&source, header: header, into: &pixels)
        }
        let bits = PNMSyntax.bits(forMaxval: header.maxval)
        let variant = PNMVariant(magic: header.magic, tupleType: header.magic == 7 ? header.tupleType : nil,
                                 plainLayout: layout)
        var image = Image(width: header.width, height: header.height, channels: header.depth,
                          format: .unsigned(bits: bits),
                          maxval: header.maxval == (1 << bits) - 1 ? nil : header.maxval,
                          pixels: pixels)
        image.pnmVariant = variant
        return (image, end)
    }

    /// P1–P3: decimal samples separated by whitespace (and comments); P1 digits need no separator.
    /// Also notes which netpbm writer produced the text (a space before the first newline → libpam).
    private static func readPlain<S: ByteSource>(_ source: inout S, header: PNMHeader, count: Int,
                                                 into pixels: inout [Float]) throws -> (Int, PNMVariant.PlainLayout) {
        var cursor = header.rasterOffset
        let maxval = header.maxval
        let scale = Float(maxval)
        let bitmap = header.magic == 1
        var layout: PNMVariant.PlainLayout?
        var previous: UInt8 = 0
        for index in 0..<count {
            // Skip whitespace and comments.
            var byte: UInt8
            while true {
                guard let next = try source.byte(at: cursor) else {
                    throw FormatProblem("truncated plain raster (\(index) of \(count) samples)")
                }
                if next == 0x0A, layout == nil { layout = previous == 0x20 ? .pam : .classic }
                if PNMSyntax.isWhitespace(next) {
                    previous = next
                    cursor += 1
                } else if next == UInt8(ascii: "#") {
                    while let c = try source.byte(at: cursor), c != 0x0A, c != 0x0D { cursor += 1 }
                } else {
                    byte = next
                    break
                }
            }
            if bitmap {
                guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else {
                    throw FormatProblem("plain PBM raster has a character other than 0 or 1")
                }
                pixels.append(byte == UInt8(ascii: "1") ? 0 : 1)   // 1 is black
                cursor += 1
                previous = byte
                continue
            }
            var value = 0
            var digits = 0
            while let c = try source.byte(at: cursor), PNMSyntax.isDigit(c) {
                value = value * 10 + Int(c - 0x30)
                digits += 1
                cursor += 1
                previous = c
                guard value <= maxval else {
                    throw FormatProblem("sample value exceeds maxval \(maxval)")
                }
            }
            guard digits > 0 else { throw FormatProblem("plain raster has a non-numeric character") }
            pixels.append(Float(value) / scale)
        }
        if layout == nil {
            // The first newline comes after the last sample: look at what ends the raster.
            layout = try source.byte(at: cursor) == 0x20 ? .pam : .classic
        }
        return (cursor, layout ?? .pam)
    }

    /// P4: rows of bits, most significant first, each row padded to a whole byte; 1 is black.
    private static func readRawBitmap<S: ByteSource>(_ source: inout S, header: PNMHeader,
                                                     into pixels: inout [Float]) throws -> Int {
        let rowBytes = (header.width + 7) / 8
        let count = header.rawRasterBytes
        let width = header.width
        let done: Void? = try source.withBytes(at: header.rasterOffset, count: count) { raw in
            pixels = [Float](repeating: 0, count: header.width * header.height)
            pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<header.height {
                    let row = y * rowBytes
                    for x in 0..<width {
                        let bit = (raw[row + x >> 3] >> (7 - UInt8(x & 7))) & 1
                        out[y * width + x] = bit == 1 ? 0 : 1
                    }
                }
            }
        }
        guard done != nil else { throw truncated(&source, header: header) }
        return header.rasterOffset + count
    }

    /// P5, P6, P7: samples of one byte (maxval < 256) or two big-endian bytes.
    private static func readRaw<S: ByteSource>(_ source: inout S, header: PNMHeader,
                                               into pixels: inout [Float]) throws -> Int {
        let count = header.rawRasterBytes
        let maxval = header.maxval
        let wide = header.bytesPerSample == 2
        // A table covering every value the sample width allows, so an out-of-range sample is
        // found by one comparison at the end rather than per sample.
        let lookup = SampleQuantizer.table(maxval: maxval, entries: wide ? 65536 : 256)
        let tooLarge: Bool? = try source.withBytes(at: header.rasterOffset, count: count) { raw in
            pixels = [Float](repeating: 0, count: header.width * header.height * header.depth)
            return pixels.withUnsafeMutableBufferPointer { out in
                lookup.withUnsafeBufferPointer { table in
                    var largest = 0
                    if wide {
                        for i in 0..<out.count {
                            let value = Int(raw[2 * i]) << 8 | Int(raw[2 * i + 1])
                            largest = max(largest, value)
                            out[i] = table[value]
                        }
                    } else {
                        for i in 0..<out.count {
                            let value = Int(raw[i])
                            largest = max(largest, value)
                            out[i] = table[value]
                        }
                    }
                    return largest > maxval
                }
            }
        }
        guard let tooLarge else { throw truncated(&source, header: header) }
        if tooLarge { throw FormatProblem("a sample value exceeds maxval \(maxval)") }
        return header.rasterOffset + count
    }

    private static func truncated<S: ByteSource>(_ source: inout S, header: PNMHeader) -> FormatProblem {
        let have = max(0, source.buffered - header.rasterOffset)
        return FormatProblem("truncated: \(header.width)x\(header.height) raster needs \(header.rawRasterBytes) bytes, only \(have) present")
    }
}
