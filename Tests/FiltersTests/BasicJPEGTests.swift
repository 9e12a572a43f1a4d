import FilterAPI
import Filters
import XCTest

final class BasicJPEGTests: XCTestCase {
    func testDegradesButStaysClose() throws {
        let image = BasicTest.pattern(48, 40)
        let q90 = try BasicTest.run("jpeg", [("quality", "90")], on: image)
        let q10 = try BasicTest.run("jpeg", [("quality", "10")], on: image)
        XCTAssertEqual(q90.width, 48)
        XCTAssertEqual(q90.height, 40)
        XCTAssertEqual(q90.channels, 3)
        let p90 = try Quality.psnr(image, q90), p10 = try Quality.psnr(image, q10)
        XCTAssertTrue(p90.isFinite, "JPEG is lossy")
        XCTAssertGreaterThan(p90, 30)
        XCTAssertGreaterThan(p10, 20)
        XCTAssertGreaterThan(p90, p10 + 3, "lower quality, more damage")
    }

    func testGreyStaysGreyAndAlphaPassesThrough() throws {
        let grey = BasicTest.pattern(24, 16, channels: 1)
        let g = try BasicTest.run("jpeg", [("quality", "50")], on: grey)
        XCTAssertEqual(g.channels, 1)
        XCTAssertGreaterThan(try Quality.psnr(grey, g), 25)

        var rgba = BasicTest.pattern(24, 16, channels: 4)
        for i in stride(from: 3, to: rgba.pixels.count, by: 4) { rgba.pixels[i] = Float(i % 13) / 13 }
        let out = try BasicTest.run("jpeg", [("quality", "50")], on: rgba)
        XCTAssertEqual(out.channels, 4)
        for i in stride(from: 3, to: out.pixels.count, by: 4) { XCTAssertEqual(out.pixels[i], rgba.pixels[i]) }
        XCTAssertGreaterThan(try Quality.psnr(rgba, out), 25)
    }

    func testKeepsFormat() throws {
        var image = BasicTest.pattern(16, 16)
        image.format = .unsigned(bits: 16)
        XCTAssertEqual(try BasicTest.run("jpeg", on: image).format, .unsigned(bits: 16))
    }

    func testBadParameters() {
        for bad in ["0", "101", "-5", "nan", "50.5", "high"] {
            BasicTest.assertBadParameter(try BasicTest.make("jpeg", [("quality", bad)]), bad)
        }
    }
}
