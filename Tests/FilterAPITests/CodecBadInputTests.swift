import XCTest
@testable import FilterAPI

/// Damaged and hostile inputs: each must give DipError.badImage naming the input, one line, with
/// nothing printed by the libraries and no crash.
final class CodecBadInputTests: XCTestCase {
    typealias T = CodecTestSupport

    func good(_ format: ImageFormat) throws -> [UInt8] {
        let image = T.smoothImage(width: 32, height: 24, channels: 3)
        return try ImageCodec.encode(image, as: format)
    }

    func testTruncatedFilesOfEveryFormat() throws {
        var stderrText = ""
        try stderrText = T.capturingStderr {
            for format in ImageFormat.allCases {
                let bytes = try good(format)
                for cut in [bytes.count / 2, bytes.count - 3, 12] {
                    let fragment = format == .tiff || format == .jpeg || format == .png ? "invalid" : "truncated"
                    T.assertBadImage(try ImageCodec.decode(Array(bytes.prefix(cut)), name: "cut.\(format)"),
                                     name: "cut.\(format)", contains: fragment)
                }
            }
        }
        XCTAssertEqual(stderrText, "", "libraries printed to stderr")
    }

    func testCorruptBytes() throws {
        var stderrText = ""
        try stderrText = T.capturingStderr {
            for format in [ImageFormat.png, .jpeg, .tiff] {
                var bytes = try good(format)
                // Damage the middle of the compressed data.
                for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 40, by: 1) { bytes[i] ^= 0x5A }
                T.assertBadImage(try ImageCodec.decode(bytes, name: "bad.\(format)"), name: "bad.\(format)",
                                 contains: "invalid \(format == .png ? "PNG" : format == .jpeg ? "JPEG" : "TIFF")")
            }
        }
        XCTAssertEqual(stderrText, "")
    }

    /// A TIFF whose ImageLength says 60000 rows where the file holds 24: libtiff zero-fills the
    /// strips the short StripOffsets array leaves out, so this decoded "successfully" (a 314-byte
    /// file as 3,145,740 rows); now every strip must lie inside the file.
    func testTIFFWithMoreRowsThanItsData() throws {
        var bytes = try good(.tiff)
        XCTAssertEqual(Array(bytes.prefix(2)), [0x49, 0x49], "the encoder writes little-endian TIFF")
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        let ifd = u16(4) | u16(6) << 16
        var patched = false
        for e in 0..<u16(ifd) {
            let entry = ifd + 2 + 12 * e
            guard u16(entry) == 257 else { continue }   // ImageLength, SHORT or LONG
            bytes[entry + 8] = 0x60; bytes[entry + 9] = 0xEA   // 60000
            if u16(entry + 2) == 4 { bytes[entry + 10] = 0; bytes[entry + 11] = 0 }
            patched = true
        }
        XCTAssertTrue(patched, "no ImageLength entry")
        var stderrText = ""
        try stderrText = T.capturingStderr {
            T.assertBadImage(try ImageCodec.decode(bytes, name: "tall.tiff"), name: "tall.tiff",
                             contains: "shorter than its header declares")
        }
        XCTAssertEqual(stderrText, "")
    }

    func testHeaderThatLiesAboutItsSize() throws {
        // PNG: IHDR claims 100×100 but the data holds 4×4.
        let small = T.handMadePNG(width: 4, height: 4, bitDepth: 8, colorType: 0, samplesPerPixel: 1,
                                  samples: Array(repeating: 9, count: 16))
        var lying = small
        lying.replaceSubrange(16..<24, with: T.be32(100) + T.be32(100))
        let ihdr = Array(lying[12..<29])
        lying.replaceSubrange(29..<33, with: T.be32(T.crc32(ihdr)))
        T.assertBadImage(try ImageCodec.decode(lying, name: "liar.png"), name: "liar.png", contains: "invalid PNG")
        // PNM: header says 10×10, raster has 3 bytes.
        T.assertBadImage(try ImageCodec.decode(T.bytes("P5\n10 10\n255\n") + [1, 2, 3], name: "liar.pgm"),
                         name: "liar.pgm", contains: "truncated")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P2\n2 2\n255\n1 2 3"), name: "short.pgm"),
                         name: "short.pgm", contains: "truncated")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P2\n2 1\n100\n1 200\n"), name: "big.pgm"),
                         name: "big.pgm", contains: "exceeds maxval")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P5\n2 1\n100\n") + [1, 200], name: "big.pgm"),
                         name: "big.pgm", contains: "exceeds maxval")
    }

    func testZeroAndAbsurdDimensions() throws {
        T.assertBadImage(try ImageCodec.decode(T.bytes("P5\n0 0\n255\n"), name: "zero.pgm"),
                         name: "zero.pgm", contains: "zero width")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P7\nWIDTH 0\nHEIGHT 3\nDEPTH 1\nMAXVAL 255\nENDHDR\n"), name: "z.pam"),
                         name: "z.pam", contains: "zero width")
        // Far beyond the default limit: refused from the header, no allocation (this would be 40 GB).
        T.assertBadImage(try ImageCodec.decode(T.bytes("P6\n200000 200000\n255\n"), name: "huge.ppm"),
                         name: "huge.ppm", contains: "limit")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P6\n99999999999999999999 2\n255\n"), name: "huge.ppm"),
                         name: "huge.ppm", contains: "absurd")
        let image = T.randomImage(width: 20, height: 20, channels: 1, bits: 8)
        for format in ImageFormat.allCases {
            let bytes = try ImageCodec.encode(image, as: format)
            T.assertBadImage(try ImageCodec.decode(bytes, name: "cap.\(format)", maxPixels: 399),
                             name: "cap.\(format)", contains: "limit")
            XCTAssertNoThrow(try ImageCodec.decode(bytes, name: "ok", maxPixels: 400))
        }
        // PNG whose IHDR claims 2^31−1 × 2^31−1.
        var png = T.handMadePNG(width: 1, height: 1, bitDepth: 8, colorType: 0, samplesPerPixel: 1, samples: [0])
        png.replaceSubrange(16..<24, with: T.be32(0x7FFF_FFFF) + T.be32(0x7FFF_FFFF))
        png.replaceSubrange(29..<33, with: T.be32(T.crc32(Array(png[12..<29]))))
        T.assertBadImage(try ImageCodec.decode(png, name: "huge.png"), name: "huge.png", contains: "invalid PNG")
        // Sides of 2^30 with no pixel limit: the raster size saturates instead of wrapping to a
        // negative count ("raster needs -9223372036854775808 bytes"); the same through a stream.
        let pam = T.bytes("P7\nWIDTH 1073741824\nHEIGHT 1073741824\nDEPTH 4\nMAXVAL 65535\nENDHDR\n")
        for decoded in [{ try ImageCodec.decode(pam, name: "big.pam", maxPixels: Int.max) },
                        { try ImageStreamReader(bytes: pam, name: "big.pam", maxPixels: Int.max).next() ?? Image(width: 1, height: 1, channels: 1) }] {
            do {
                _ = try decoded()
                XCTFail("a 2^30 x 2^30 PAM header without data decoded")
            } catch let error as DipError {
                XCTAssertFalse(error.description.contains("-"), error.description)
                XCTAssertTrue(error.description.contains("big.pam"), error.description)
            }
        }
    }

    func testUnknownAndEmptyInput() {
        T.assertBadImage(try ImageCodec.decode(T.bytes("GIF89a......"), name: "x.gif"), name: "x.gif",
                         contains: "unknown image format")
        T.assertBadImage(try ImageCodec.decode([], name: "empty"), name: "empty", contains: "empty")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 9\nMAXVAL 255\nENDHDR\n"), name: "d.pam"),
                         name: "d.pam", contains: "depth")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P5\n1 1\n70000\n"), name: "m.pgm"), name: "m.pgm",
                         contains: "maxval")
        T.assertBadImage(try ImageCodec.decode(T.bytes("P7\nWIDTH 1\nHEIGHT 1\nFOO 2\nENDHDR\n"), name: "k.pam"),
                         name: "k.pam", contains: "unknown keyword")
    }
}
