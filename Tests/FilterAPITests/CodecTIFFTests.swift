import XCTest
@testable import FilterAPI

final class CodecTIFFTests: XCTestCase {
    typealias T = CodecTestSupport

    func testStripsAndTilesRoundTripExactlyAt8And16BitsAndFloat() throws {
        for tile in [0, 16] {
            for channels in 1...4 {
                for bits in [8, 16, 32] {
                    var image = T.randomImage(width: 37, height: 21, channels: channels,
                                              bits: bits == 32 ? 16 : bits, seed: UInt64(channels * bits + tile))
                    if bits == 32 {
                        image.format = .float32
                        image.pixels = image.pixels.enumerated().map { Float($0.offset % 1000) / 999 * 0.999 + 0.0005 }
                    }
                    var options = EncodeOptions()
                    options.tiffTileSize = tile
                    let bytes = try ImageCodec.encode(image, as: .tiff, options: options)
                    XCTAssertEqual(ImageFormat.detect(Array(bytes.prefix(8))), .tiff)
                    let decoded = try ImageCodec.decode(bytes, name: "mem")
                    XCTAssertEqual(decoded, image, "tile \(tile) channels \(channels) bits \(bits)")
                }
            }
        }
    }

    func testTiledAndStripFilesDiffer() throws {
        // Guards against the tile option being ignored (both would otherwise still round-trip).
        let image = T.randomImage(width: 40, height: 40, channels: 3, bits: 8)
        var tiled = EncodeOptions()
        tiled.tiffTileSize = 16
        XCTAssertNotEqual(try ImageCodec.encode(image, as: .tiff),
                          try ImageCodec.encode(image, as: .tiff, options: tiled))
    }

    func testTIFFWrittenByImageMagickIsRead() throws {
        guard T.hasTool("convert") else { throw XCTSkip("ImageMagick convert not installed") }
        guard let bytes = T.shell("convert -size 8x6 gradient:black-white -depth 16 -compress lzw tiff:-") else {
            throw XCTSkip("convert could not make a TIFF")
        }
        let image = try ImageCodec.decode(bytes, name: "im.tif")
        XCTAssertEqual(image.width, 8)
        XCTAssertEqual(image.height, 6)
        XCTAssertEqual(image.format, .unsigned(bits: 16))
        XCTAssertLessThan(image[0, 0, 0], image[0, 5, 0])   // black at the top, white at the bottom
    }
}
