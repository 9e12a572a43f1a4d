/// Writes netpbm images exactly as netpbm's own writers do, so PNM/PAM → PNM/PAM pass-through is
/// byte-identical: headers "P6\n<w> <h>\n<maxval>\n" and "P7\nWIDTH …\nENDHDR\n", raw samples big-endian.
///
/// Variant choice: an image read from PNM/PAM keeps its variant (plain/raw, PBM/PGM/PPM/PAM, tuple
/// type, maxval) whenever it still fits the image. Otherwise, as `.pnm`: alpha → PAM (PNM has no
/// alpha), 1-bit grey → raw PBM, grey → P5, RGB → P6; as `.pam`: P7 with the standard tuple type.
enum PNMEncoder {
    static func encode(_ image: Image, as format: ImageFormat) throws -> [UInt8] {
        guard (1...4).contains(image.channels) else {
            throw DipError.misuse("PNM/PAM cannot hold \(image.channels) channels")
        }
        let maxval = outputMaxval(image)
        let variant = chooseVariant(image, format: format, maxval: maxval)
        var out: [UInt8] = []
        let sampleBytes = maxval < 256 ? 1 : 2
        out.reserveCapacity(64 + image.pixels.count * (variant.isPlain ? 4 : sampleBytes))
        writeHeader(&out, image: image, variant: variant, maxval: maxval)
        switch variant.magic {
        case 1: writePlainBitmap(&out, image)
        case 2, 3:
            if variant.plainLayout == .classic {
                writeClassicPlain(&out, image, maxval: maxval)
            } else {
                writePAMPlain(&out, image, maxval: maxval)
            }
        case 4: writeRawBitmap(&out, image)
        default: writeRaw(&out, image, maxval: maxval)
        }
        return out
    }

    /// The maxval to write: the source's own (e.g. 1000) when it had one, else 2^bits − 1;
    /// float images get 65535.
    static func outputMaxval(_ image: Image) -> Int {
        switch image.format {
        case .float32: return 65535
        case .unsigned(let bits):
            if let maxval = image.maxval, (1...65535).contains(maxval) { return maxval }
            return (1 << min(16, max(1, bits))) - 1
        }
    }

    static func chooseVariant(_ image: Image, format: ImageFormat, maxval: Int) -> PNMVariant {
        if let source = image.pnmVariant, fits(source, image: image, format: format, maxval: maxval) {
            return source
        }
        if format == .pnm && !image.hasAlpha {
            if image.channels == 1 { return PNMVariant(magic: maxval == 1 ? 4 : 5) }
            return PNMVariant(magic: 6)
        }
        return PNMVariant(magic: 7, tupleType: standardTupleType(channels: image.channels, maxval: maxval))
    }

    private static func fits(_ variant: PNMVariant, image: Image, format: ImageFormat, maxval: Int) -> Bool {
        switch variant.magic {
        case 1, 4: return format == .pnm && image.channels == 1 && maxval == 1
        case 2, 5: return format == .pnm && image.channels == 1
        case 3, 6: return format == .pnm && image.channels == 3
        case 7:
            guard format == .pam || image.hasAlpha else { return false }
            guard let type = variant.tupleType else { return true }
            let standard = ["BLACKANDWHITE", "GRAYSCALE", "RGB", "BLACKANDWHITE_ALPHA",
                            "GRAYSCALE_ALPHA", "RGB_ALPHA"]
            if standard.contains(type) {
                return type == standardTupleType(channels: image.channels, maxval: maxval)
                    || (type == "GRAYSCALE" && image.channels == 1)
                    || (type == "GRAYSCALE_ALPHA" && image.channels == 2)
            }
            return true  // an application-defined tuple type: keep it
        default: return false
        }
    }

    static func standardTupleType(channels: Int, maxval: Int) -> String {
        switch channels {
        case 1: return maxval == 1 ? "BLACKANDWHITE" : "GRAYSCALE"
        case 2: return maxval == 1 ? "BLACKANDWHITE_ALPHA" : "GRAYSCALE_ALPHA"
        case 3: return "RGB"
        default: return "RGB_ALPHA"
        }
    }

    private static func writeHeader(_ out: inout [UInt8], image: Image, variant: PNMVariant, maxval: Int) {
        var text: String
        if variant.magic == 7 {
            text = "P7\nWIDTH \(image.width)\nHEIGHT \(image.height)\nDEPTH \(image.channels)\nMAXVAL \(maxval)\n"
            if let type = variant.tupleType { text += "TUPLTYPE \(type)\n" }
            text += "ENDHDR\n"
        } else if variant.isBitmap {
            text = "P\(variant.magic)\n\(image.width) \(image.height)\n"
        } else {
            text = "P\(variant.magic)\n\(image.width) \(image.height)\n\(maxval)\n"
        }
        out.append(contentsOf: Array(text.utf8))
    }

    @inline(__always)
    private static func quantize(_ value: Float, _ maxval: Int) -> Int {
        SampleQuantizer.quantize(value, maxval: maxval)
    }

    /// Appends a non-negative integer in decimal.
    @inline(__always)
    private static func appendDecimal(_ out: inout [UInt8], _ value: Int) {
        if value >= 10 { appendDecimal(&out, value / 10) }
        out.append(UInt8(0x30 + value % 10))
    }

    /// P1 as libpbm/libpam write it: 70 digits per line, a newline ending every row.
    private static func writePlainBitmap(_ out: inout [UInt8], _ image: Image) {
        for y in 0..<image.height {
            for x in 0..<image.width {
                let black = quantize(image.pixels[y * image.width + x], 1) == 0
                out.append(black ? 0x31 : 0x30)
                if (x + 1) % 70 == 0 || x == image.width - 1 { out.append(0x0A) }
            }
        }
    }

    /// P2/P3 as libpam writes them: every sample followed by a space, a newline after each
    /// `samplesPerLine` samples and at the end of every row.
    private static func writePAMPlain(_ out: inout [UInt8], _ image: Image, maxval: Int) {
        let depth = image.channels
        // libpam's samplesPerPlainLine(maxval, depth, 79); its digit count is one short, kept as is.
        let digits = Int(log10Floor(Double(maxval) + 0.1))
        let fit = 79 / (digits + 1)
        let perLine = fit > depth ? fit - fit % depth : fit
        let rowSamples = image.width * depth
        for y in 0..<image.height {
            var onLine = 0
            for i in 0..<rowSamples {
                appendDecimal(&out, quantize(image.pixels[y * rowSamples + i], maxval))
                out.append(0x20)
                onLine += 1
                if onLine >= perLine {
                    out.append(0x0A)
                    onLine = 0
                }
            }
            out.append(0x0A)
        }
    }

    private static func log10Floor(_ value: Double) -> Double {
        var digits = 0.0
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        return digits
    }

    /// P2/P3 as classic libpgm/libppm write them: samples (PPM: pixels, their samples separated by
    /// one space, pixels by two) joined until a line reaches 65 characters, no trailing space.
    private static func writeClassicPlain(_ out: inout [UInt8], _ image: Image, maxval: Int) {
        let depth = image.channels
        for y in 0..<image.height {
            var count = 0
            for x in 0..<image.width {
                if count >= 65 {
                    out.append(0x0A)
                    count = 0
                } else if count > 0 {
                    out.append(0x20)
                    count += 1
                    if depth == 3 {
                        out.append(0x20)
                        count += 1
                    }
                }
                let base = (y * image.width + x) * depth
                for c in 0..<depth {
                    if c > 0 { out.append(0x20) }
                    appendDecimal(&out, quantize(image.pixels[base + c], maxval))
                }
                count += depth == 3 ? 11 : 3
            }
            if count > 0 { out.append(0x0A) }
        }
    }

    /// P4: bits packed most significant first, rows padded to whole bytes; 1 is black.
    private static func writeRawBitmap(_ out: inout [UInt8], _ image: Image) {
        let rowBytes = (image.width + 7) / 8
        for y in 0..<image.height {
            let rowStart = out.count
            out.append(contentsOf: repeatElement(0, count: rowBytes))
            for x in 0..<image.width where quantize(image.pixels[y * image.width + x], 1) == 0 {
                out[rowStart + x >> 3] |= 0x80 >> UInt8(x & 7)
            }
        }
    }

    /// P5/P6/P7: one byte per sample when maxval < 256, else two, big-endian.
    private static func writeRaw(_ out: inout [UInt8], _ image: Image, maxval: Int) {
        let wide = maxval >= 256
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: image.pixels.count * (wide ? 2 : 1)))
        image.pixels.withUnsafeBufferPointer { samples in
            out.withUnsafeMutableBufferPointer { buffer in
                let raster = UnsafeMutableBufferPointer(rebasing: buffer[start...])
                if wide {
                    for i in 0..<samples.count {
                        let q = quantize(samples[i], maxval)
                        raster[2 * i] = UInt8(truncatingIfNeeded: q >> 8)
                        raster[2 * i + 1] = UInt8(truncatingIfNeeded: q)
                    }
                } else {
                    for i in 0..<samples.count {
                        raster[i] = UInt8(truncatingIfNeeded: quantize(samples[i], maxval))
                    }
                }
            }
        }
    }
}
