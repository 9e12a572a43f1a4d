import XCTest
@testable import FilterAPI

final class CodecPNMTests: XCTestCase {
    typealias T = CodecTestSupport

    /// Every variant, written the way netpbm writes it: decode → encode gives the same bytes.
    static let netpbmFiles: [(String, [UInt8])] = [
        ("P1", T.bytes("P1\n5 2\n01010\n10101\n")),
        ("P2", T.bytes("P2\n3 2\n1000\n0 498 1000 \n7 8 999 \n")),
        ("P2 classic", T.bytes("P2\n3 2\n255\n0 128 255\n1 2 3\n")),
        ("P3", T.bytes("P3\n2 1\n255\n255 0 10 0 255 20 \n")),
        ("P3 classic", T.bytes("P3\n2 1\n255\n255 0 10  0 255 20\n")),
        ("P4", T.bytes("P4\n10 2\n") + [0b1010_1010, 0b1100_0000, 0b0000_1111, 0b0100_0000]),
        ("P5", T.bytes("P5\n3 1\n255\n") + [0, 127, 255]),
        ("P5 16-bit", T.bytes("P5\n2 1\n65535\n") + [0x12, 0x34, 0xFF, 0xFF]),
        ("P5 maxval 1000", T.bytes("P5\n2 1\n1000\n") + [0x03, 0xE8, 0x01, 0xF4]),
        ("P6", T.bytes("P6\n2 1\n255\n") + [1, 2, 3, 4, 5, 6]),
        ("P6 16-bit", T.bytes("P6\n1 1\n65535\n") + [0, 1, 0x80, 0, 0xFF, 0xFE]),
        ("P7 RGB_ALPHA", T.bytes("P7\nWIDTH 2\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n") + [1, 2, 3, 4, 5, 6, 7, 8]),
        ("P7 GRAYSCALE 16", T.bytes("P7\nWIDTH 1\nHEIGHT 2\nDEPTH 1\nMAXVAL 65535\nTUPLTYPE GRAYSCALE\nENDHDR\n") + [0xAB, 0xCD, 0, 7]),
        ("P7 BLACKANDWHITE", T.bytes("P7\nWIDTH 3\nHEIGHT 1\nDEPTH 1\nMAXVAL 1\nTUPLTYPE BLACKANDWHITE\nENDHDR\n") + [1, 0, 1]),
        ("P7 GRAYSCALE_ALPHA", T.bytes("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n") + [9, 200]),
        ("P7 no tupltype", T.bytes("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nENDHDR\n") + [9, 8, 7]),
    ]

    func testEveryVariantPassesThroughByteForByte() throws {
        for (label, bytes) in Self.netpbmFiles {
            let image = try ImageCodec.decode(bytes, name: label)
            let format: ImageFormat = bytes[1] == UInt8(ascii: "7") ? .pam : .pnm
            XCTAssertEqual(ImageFormat.detect(Array(bytes.prefix(8))), format, label)
            let again = try ImageCodec.encode(image, as: format)
            XCTAssertEqual(String(decoding: again, as: UTF8.self), String(decoding: bytes, as: UTF8.self), label)
            XCTAssertEqual(again, bytes, label)
        }
    }

    func testSampleValuesFollowNetpbmConventions() throws {
        let pbm = try ImageCodec.decode(T.bytes("P1\n3 1\n1 0 1\n"), name: "pbm")
        XCTAssertEqual(pbm.pixels, [0, 1, 0])                 // 1 is black
        XCTAssertEqual(pbm.format, .unsigned(bits: 1))
        let pam = try ImageCodec.decode(Self.netpbmFiles[13].1, name: "bw")
        XCTAssertEqual(pam.pixels, [1, 0, 1])                 // PAM BLACKANDWHITE: 1 is white
        let wide = try ImageCodec.decode(Self.netpbmFiles[8].1, name: "1000")
        XCTAssertEqual(wide.maxval, 1000)
        XCTAssertEqual(wide.format, .unsigned(bits: 16))
        XCTAssertEqual(wide.pixels, [1, 500 / 1000])
        let sixteen = try ImageCodec.decode(Self.netpbmFiles[7].1, name: "16")
        XCTAssertEqual(sixteen.pixels, [Float(0x1234) / 65535, 1])
        XCTAssertNil(sixteen.maxval)
    }

    func testHeadersWithCommentsAndOddWhitespaceAreRead() throws {
        let bytes = T.bytes("P2 # comment\n# another\n 2\t2 # size\n15\n1 2\n3\n# mid-raster comment\n15\n")
        let image = try ImageCodec.decode(bytes, name: "odd")
        XCTAssertEqual(image.pixels, [1, 2, 3, 15].map { Float($0) / 15 })
        XCTAssertEqual(image.format, .unsigned(bits: 4))
        let pam = T.bytes("P7\n# c\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nTUPLTYPE MY\nTUPLTYPE TYPE\nENDHDR\n") + [1, 2, 3]
        XCTAssertEqual(try ImageCodec.decode(pam, name: "pam").pnmVariant?.tupleType, "MY TYPE")
    }

    func testRandomImagesRoundTripExactlyAsEveryRawAndPlainVariant() throws {
        for (channels, bits) in [(1, 8), (1, 16), (3, 8), (3, 16), (2, 8), (4, 16), (1, 1)] {
            var image = T.randomImage(width: 29, height: 5, channels: channels, bits: bits, seed: UInt64(channels + bits))
            for format in [ImageFormat.pnm, .pam] {
                let bytes = try ImageCodec.encode(image, as: format)
                var decoded = try ImageCodec.decode(bytes, name: "rt")
                decoded.pnmVariant = nil
                XCTAssertEqual(decoded, image, "\(channels)ch \(bits)b \(format)")
            }
            if channels == 1 || channels == 3 {
                for magic in bits == 1 ? [1] : (channels == 1 ? [2] : [3]) {
                    for layout in [PNMVariant.PlainLayout.pam, .classic] {
                        image.pnmVariant = PNMVariant(magic: magic, plainLayout: layout)
                        let bytes = try ImageCodec.encode(image, as: .pnm)
                        XCTAssertEqual(bytes[1], UInt8(ascii: "0") + UInt8(magic))
                        let decoded = try ImageCodec.decode(bytes, name: "plain")
                        XCTAssertEqual(decoded.pixels, image.pixels)
                        if magic != 1 { XCTAssertEqual(decoded.pnmVariant?.plainLayout, layout) }
                        image.pnmVariant = nil
                    }
                }
            }
        }
    }

    func testVariantChoiceWithoutASourceVariant() throws {
        func magic(_ image: Image, _ format: ImageFormat) throws -> String {
            String(decoding: try ImageCodec.encode(image, as: format).prefix(2), as: UTF8.self)
        }
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 1, bits: 1), .pnm), "P4")
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 1, bits: 8), .pnm), "P5")
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 3, bits: 16), .pnm), "P6")
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 4, bits: 8), .pnm), "P7")
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 2, bits: 8), .pnm), "P7")
        XCTAssertEqual(try magic(T.randomImage(width: 2, height: 2, channels: 3, bits: 8), .pam), "P7")
        // A P6 source written as PAM becomes P7 RGB; a PAM RGB source written as pnm becomes P6.
        var p6 = try ImageCodec.decode(CodecPNMTests.netpbmFiles[9].1, name: "p6")
        XCTAssertEqual(try magic(p6, .pam), "P7")
        p6 = try ImageCodec.decode(CodecPNMTests.netpbmFiles[15].1, name: "pam")
        XCTAssertEqual(try magic(p6, .pnm), "P6")
        // 16-bit in → 16-bit out; float → 16-bit.
        var float = T.randomImage(width: 2, height: 1, channels: 1, bits: 8)
        float.format = .float32
        XCTAssertTrue(String(decoding: try ImageCodec.encode(float, as: .pnm), as: UTF8.self).hasPrefix("P5\n2 1\n65535\n"))
    }

    func testNetpbmToolOutputPassesThroughByteForByte() throws {
        guard T.hasTool("pgmramp"), T.hasTool("pnmtoplainpnm"), T.hasTool("ppmmake") else {
            throw XCTSkip("netpbm tools not installed")
        }
        let commands = [
            "pgmramp -lr 26 3 | pnmtoplainpnm",
            "pgmramp -lr 26 3 -plain",
            "pgmramp -lr 40 2 | pnmdepth 65535 | pnmtoplainpnm",
            "ppmmake rgb:10/80/f0 30 2 -plain",
            "ppmmake rgb:10/80/f0 30 2 | pnmtoplainpnm",
            "pbmmake -g 100 3 -plain",
            "pbmmake -g 13 3",
            "pgmramp -ellipse 9 7 | pnmdepth 1000",
            "ppmmake red 5 4 | pamtopam",
            "pgmramp -lr 5 3 | pnmdepth 65535 | pamtopam",
        ]
        for command in commands {
            guard let bytes = T.shell(command), !bytes.isEmpty else { XCTFail("\(command) failed"); continue }
            let image = try ImageCodec.decode(bytes, name: command)
            let format = ImageFormat.detect(Array(bytes.prefix(8))) ?? .pnm
            XCTAssertEqual(try ImageCodec.encode(image, as: format), bytes, command)
        }
    }
}
