/// Finds where one encoded PNG or JPEG ends without decoding it, so a stream of them can be split
/// into images while reading only the current one. (PNM/PAM are framed by their own decoder.)
enum ImageFraming {
    /// Bytes of PNG data allowed beyond the raw pixel size (compression overhead, ancillary chunks).
    static let pngSlack = 32 << 20

    /// Length of the PNG at the start of `source`: signature, then chunks up to and including IEND.
    /// Checks IHDR's size against `maxPixels` before reading the image data.
    static func pngLength<S: ByteSource>(_ source: inout S, maxPixels: Int) throws -> Int {
        var offset = 8
        var limit = Int.max
        var first = true
        while true {
            guard let length = try source.withBytes(at: offset, count: 8, { raw -> (Int, UInt32) in
                let length = Int(raw[0]) << 24 | Int(raw[1]) << 16 | Int(raw[2]) << 8 | Int(raw[3])
                let type = UInt32(raw[4]) << 24 | UInt32(raw[5]) << 16 | UInt32(raw[6]) << 8 | UInt32(raw[7])
                return (length, type)
            }) else {
                throw FormatProblem("truncated PNG (ends inside the chunk list, after \(source.buffered) bytes)")
            }
            let (dataLength, type) = length
            guard dataLength <= 0x7FFF_FFFF else { throw FormatProblem("corrupt PNG chunk length") }
            if first {
                guard type == 0x4948_4452 /* IHDR */, dataLength == 13 else {
                    throw FormatProblem("invalid PNG: first chunk is not IHDR")
                }
                guard let info = try source.withBytes(at: offset + 8, count: 13, { raw -> (Int, Int, Int, Int) in
                    let w = Int(raw[0]) << 24 | Int(raw[1]) << 16 | Int(raw[2]) << 8 | Int(raw[3])
                    let h = Int(raw[4]) << 24 | Int(raw[5]) << 16 | Int(raw[6]) << 8 | Int(raw[7])
                    return (w, h, Int(raw[8]), Int(raw[9]))
                }) else { throw FormatProblem("truncated PNG header") }
                let (width, height, depth, colour) = info
                guard width > 0, height > 0 else {
                    throw FormatProblem("image has zero width or height (\(width)x\(height))")
                }
                guard width <= maxPixels / height else {
                    throw FormatProblem("image is \(width)x\(height), more than the limit of \(maxPixels) pixels")
                }
                let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colour] ?? 4
                let rowBytes = (width * samples * max(depth, 1) + 7) / 8 + 1
                limit = rowBytes * height + rowBytes * height / 4 + pngSlack
                first = false
            }
            offset += 12 + dataLength
            guard offset <= limit else {
                throw FormatProblem("PNG data is far larger than its image size allows")
            }
            if type == 0x4945_4E44 /* IEND */ {
                guard try source.has(offset) else {
                    throw FormatProblem("truncated PNG (IEND chunk incomplete)")
                }
                return offset
            }
        }
    }

    /// Length of the JPEG at the start of `source`, found by walking its markers to EOI: segments
    /// by their lengths, entropy-coded data by scanning for a marker that is not a stuffed 0xFF00
    /// or a restart marker. Works for baseline and progressive (several scans) files.
    static func jpegLength<S: ByteSource>(_ source: inout S, limit: Int) throws -> Int {
        var offset = 2   // after SOI
        while true {
            guard offset <= limit else { throw FormatProblem("JPEG is larger than the size limit") }
            guard let ff = try source.byte(at: offset) else {
                throw FormatProblem("truncated JPEG (no end-of-image marker after \(source.buffered) bytes)")
            }
            guard ff == 0xFF else { throw FormatProblem("corrupt JPEG (expected a marker at byte \(offset))") }
            var markerOffset = offset + 1
            var marker: UInt8 = 0xFF
            while marker == 0xFF {   // fill bytes
                guard let next = try source.byte(at: markerOffset) else {
                    throw FormatProblem("truncated JPEG (no end-of-image marker)")
                }
                marker = next
                markerOffset += 1
            }
            offset = markerOffset
            switch marker {
            case 0xD9:   // EOI
                return offset
            case 0x01, 0xD0...0xD7:   // standalone markers
                continue
            default:
                guard let high = try source.byte(at: offset), let low = try source.byte(at: offset + 1) else {
                    throw FormatProblem("truncated JPEG (segment header incomplete)")
                }
                let length = Int(high) << 8 | Int(low)
                guard length >= 2 else { throw FormatProblem("corrupt JPEG segment length") }
                offset += length
                guard try source.has(offset) else { throw FormatProblem("truncated JPEG (segment incomplete)") }
                if marker == 0xDA {   // SOS: entropy-coded data follows until the next real marker
                    while true {
                        guard offset <= limit else { throw FormatProblem("JPEG is larger than the size limit") }
                        guard let byte = try source.byte(at: offset) else {
                            throw FormatProblem("truncated JPEG (image data ends without end-of-image marker)")
                        }
                        if byte == 0xFF {
                            guard let next = try source.byte(at: offset + 1) else {
                                throw FormatProblem("truncated JPEG (image data ends without end-of-image marker)")
                            }
                            if next != 0x00 && !(0xD0...0xD7).contains(next) && next != 0xFF { break }
                            offset += next == 0xFF ? 1 : 2
                        } else {
                            offset += 1
                        }
                    }
                }
            }
        }
    }
}
