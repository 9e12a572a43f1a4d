import XCTest
@testable import FilterAPI

final class CodecPNGTests: XCTestCase {
    typealias T = CodecTestSupport

    func testRoundTripIsExactFor8And16BitsInEveryChannelLayout() throws {
        for bits in [8, 16] {
            for channels in 1...4 {
                let image = T.randomImage(width: 13, height: 7, channels: channels, bits: bits,
                                          seed: UInt64(bits * 10 + channels))
                let bytes = try ImageCodec.encode(image, as: .png)
                XCTAssertEqual(ImageFormat.detect(Array(bytes.prefix(8))), .png)
                let decoded = try ImageCodec.decode(bytes, name: "mem")
                XCTAssertEqual(decoded, image, "bits \(bits) channels \(channels)")
            }
        }
    }

    func testFloatImageIsWrittenAs16Bit() throws {
        var image = T.randomImage(width: 5, height: 4, channels: 3, bits: 16)
        image.format = .float32
        let decoded = try ImageCodec.decode(try ImageCodec.encode(image, as: .png), name: "mem")
        XCTAssertEqual(decoded.format, .unsigned(bits: 16))
        XCTAssertEqual(decoded.pixels, image.pixels)
    }

    func testPaletteDecodesToRGBAndRGBAWithTransparency() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]
        let indices = [0, 1, 2, 3, 3, 2, 1, 0]
        let png = T.handMadePNG(width: 4, height: 2, bitDepth: 8, colorType: 3, samplesPerPixel: 1,
                                samples: indices, palette: palette)
        let rgb = try ImageCodec.decode(png, name: "pal")
        XCTAssertEqual(rgb.channels, 3)
        XCTAssertEqual(rgb.format, .unsigned(bits: 8))
        for (i, index) in indices.enumerated() {
            for c in 0..<3 {
                XCTAssertEqual(rgb.pixels[i * 3 + c], Float(palette[index * 3 + c]) / 255)
            }
        }
        // Palette → RGB → PNG → decode is exact.
        XCTAssertEqual(try ImageCodec.decode(try ImageCodec.encode(rgb, as: .png), name: "rt"), rgb)

        let withAlpha = T.handMadePNG(width: 4, height: 2, bitDepth: 4, colorType: 3, samplesPerPixel: 1,
                                      samples: indices, palette: palette, trns: [255, 128, 0])
        let rgba = try ImageCodec.decode(withAlpha, name: "pal4")
        XCTAssertEqual(rgba.channels, 4)
        XCTAssertEqual(rgba.pixels[1 * 4 + 3], 128 / 255)   // index 1 → alpha 128
        XCTAssertEqual(rgba.pixels[2 * 4 + 3], 0)           // index 2 → alpha 0
        XCTAssertEqual(rgba.pixels[3 * 4 + 3], 1)           // index 3 has no tRNS entry → opaque
    }

    func testSubByteGreyKeepsItsDepthAndRoundTrips() throws {
        for depth in [1, 2, 4] {
            let top = (1 << depth) - 1
            let samples = (0..<(9 * 3)).map { ($0 * 7 + depth) % (top + 1) }
            let png = T.handMadePNG(width: 9, height: 3, bitDepth: depth, colorType: 0,
                                    samplesPerPixel: 1, samples: samples)
            let image = try ImageCodec.decode(png, name: "grey\(depth)")
            XCTAssertEqual(image.format, .unsigned(bits: depth))
            XCTAssertEqual(image.channels, 1)
            XCTAssertEqual(image.pixels, samples.map { Float($0) / Float(top) })
            let again = try ImageCodec.decode(try ImageCodec.encode(image, as: .png), name: "rt")
            XCTAssertEqual(again, image, "depth \(depth)")
        }
    }

    func testInterlacedImagesDecodeLikeTheirProgressiveTwin() throws {
        for (depth, colour, spp) in [(8, UInt8(2), 3), (16, UInt8(6), 4), (8, UInt8(4), 2), (16, UInt8(0), 1)] {
            let width = 11, height = 9
            let top = (1 << depth) - 1
            let samples = (0..<(width * height * spp)).map { ($0 * 2654435761) % (top + 1) }
            let plain = T.handMadePNG(width: width, height: height, bitDepth: depth, colorType: colour,
                                      samplesPerPixel: spp, samples: samples)
            let adam7 = T.handMadePNG(width: width, height: height, bitDepth: depth, colorType: colour,
                                      samplesPerPixel: spp, samples: samples, interlaced: true)
            let a = try ImageCodec.decode(plain, name: "plain")
            let b = try ImageCodec.decode(adam7, name: "adam7")
            XCTAssertEqual(a, b)
            XCTAssertEqual(a.pixels, samples.map { Float($0) / Float(top) })
        }
    }

    func testGreyWithTransparencyKeyGainsAlpha() throws {
        let png = T.handMadePNG(width: 3, height: 1, bitDepth: 8, colorType: 0, samplesPerPixel: 1,
                                samples: [0, 77, 200], trns: [0, 77])
        let image = try ImageCodec.decode(png, name: "trns")
        XCTAssertEqual(image.channels, 2)
        XCTAssertEqual(image.pixels, [0, 1, 77 / 255, 0, 200 / 255, 1])
    }
}
