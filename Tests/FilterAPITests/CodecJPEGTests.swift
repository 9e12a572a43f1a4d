import XCTest
@testable import FilterAPI

final class CodecJPEGTests: XCTestCase {
    typealias T = CodecTestSupport

    func testQuality95KeepsASmoothImageAbove35dB() throws {
        let image = T.smoothImage(width: 64, height: 48, channels: 3)
        var options = EncodeOptions()
        options.jpegQuality = 95
        let bytes = try ImageCodec.encode(image, as: .jpeg, options: options)
        XCTAssertEqual(ImageFormat.detect(Array(bytes.prefix(8))), .jpeg)
        let decoded = try ImageCodec.decode(bytes, name: "mem")
        XCTAssertEqual(decoded.channels, 3)
        XCTAssertEqual(decoded.format, .unsigned(bits: 8))
        XCTAssertGreaterThan(T.psnr(image, decoded), 35)
    }

    func testQualityChangesTheSizeAndProgressiveDecodesToo() throws {
        let image = T.smoothImage(width: 64, height: 64, channels: 3)
        var low = EncodeOptions(), high = EncodeOptions(), progressive = EncodeOptions()
        low.jpegQuality = 20
        high.jpegQuality = 98
        progressive.jpegQuality = 95
        progressive.jpegProgressive = true
        let small = try ImageCodec.encode(image, as: .jpeg, options: low)
        let large = try ImageCodec.encode(image, as: .jpeg, options: high)
        XCTAssertLessThan(small.count, large.count)
        let prog = try ImageCodec.encode(image, as: .jpeg, options: progressive)
        XCTAssertTrue(prog.windowContains([0xFF, 0xC2]), "expected an SOF2 (progressive) marker")
        XCTAssertGreaterThan(T.psnr(image, try ImageCodec.decode(prog, name: "prog")), 35)
    }

    func testGreyStaysGreyAndAlphaIsDropped() throws {
        let grey = T.smoothImage(width: 16, height: 16, channels: 1)
        XCTAssertEqual(try ImageCodec.decode(try ImageCodec.encode(grey, as: .jpeg), name: "g").channels, 1)
        let rgba = T.smoothImage(width: 16, height: 16, channels: 4)
        let decoded = try ImageCodec.decode(try ImageCodec.encode(rgba, as: .jpeg), name: "a")
        XCTAssertEqual(decoded.channels, 3)
        var rgb = Image(width: 16, height: 16, channels: 3)
        for i in 0..<256 { for c in 0..<3 { rgb.pixels[i * 3 + c] = rgba.pixels[i * 4 + c] } }
        XCTAssertGreaterThan(T.psnr(rgb, decoded), 30)
    }
}

extension Array where Element == UInt8 {
    func windowContains(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
