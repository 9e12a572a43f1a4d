import FilterAPI
import Filters
import XCTest

final class QualityTests: XCTestCase {
    func testPSNRKnownMSE() throws {
        let a = BasicTest.constant(10, 10, value: 0.5, format: .float32)
        var b = a
        for i in b.pixels.indices { b.pixels[i] = i % 2 == 0 ? 0.6 : 0.4 }   // every error ±0.1: MSE 0.01
        XCTAssertEqual(try Quality.psnr(a, b), 20, accuracy: 1e-4)
        var c = a
        c.pixels[0] = 1   // one sample off by 0.5 out of 300: MSE = 0.25 / 300
        XCTAssertEqual(try Quality.psnr(a, c), 10 * log10(300 / 0.25), accuracy: 1e-4)
    }

    func testIdenticalIsInfinite() throws {
        let a = BasicTest.pattern(12, 12)
        XCTAssertEqual(try Quality.psnr(a, a), .infinity)
        XCTAssertEqual(Quality.format(psnr: try Quality.psnr(a, a)), "inf")
        XCTAssertEqual(Quality.format(psnr: 20.004), "20.00")
        XCTAssertEqual(try Quality.ssim(a, a), 1, accuracy: 1e-9)
    }

    func testAlphaIgnored() throws {
        let a = BasicTest.pattern(12, 12, channels: 4)
        var b = a
        for i in stride(from: 3, to: b.pixels.count, by: 4) { b.pixels[i] = 0 }
        XCTAssertEqual(try Quality.psnr(a, b), .infinity)
        XCTAssertEqual(try Quality.ssim(a, b), 1, accuracy: 1e-9)
    }

    func testSSIMDecreasesWithNoise() throws {
        let clean = BasicTest.pattern(48, 40)
        var last = 1.0
        for sigma in ["5", "15", "40"] {
            let noisy = try BasicTest.run("add-noise", [("sigma", sigma), ("seed", "1")], on: clean)
            let s = try Quality.ssim(clean, noisy)
            XCTAssertLessThan(s, last, "sigma \(sigma)")
            XCTAssertGreaterThan(s, 0)
            last = s
        }
        XCTAssertLessThan(last, 0.8)
        // Symmetric in its arguments.
        let noisy = try BasicTest.run("add-noise", [("sigma", "20")], on: clean)
        XCTAssertEqual(try Quality.ssim(clean, noisy), try Quality.ssim(noisy, clean), accuracy: 1e-12)
    }

    func testSSIMOfConstantShift() throws {
        // Two constant images: σ terms vanish, SSIM = (2μxμy + C1) / (μx² + μy² + C1).
        let a = BasicTest.constant(16, 16, channels: 1, value: 0.5, format: .float32)
        let b = BasicTest.constant(16, 16, channels: 1, value: 0.25, format: .float32)
        let c1 = 0.0001
        XCTAssertEqual(try Quality.ssim(a, b), (2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1), accuracy: 1e-6)
        // Tiny images still get a score (smaller window).
        let t = BasicTest.constant(4, 3, channels: 1, value: 0.5, format: .float32)
        XCTAssertEqual(try Quality.ssim(t, t), 1, accuracy: 1e-9)
    }

    func testLumaAndCrop() throws {
        let a = BasicTest.constant(20, 20, value: 0, format: .float32)
        var b = a
        for i in stride(from: 0, to: b.pixels.count, by: 3) { b.pixels[i] = 0.1 }   // red +0.1 everywhere
        let dy = 65.481 * 0.1 / 255
        XCTAssertEqual(try Quality.psnr(a, b, luma: true), -20 * log10(dy), accuracy: 1e-3)
        XCTAssertEqual(try Quality.psnr(a, b), -10 * log10(0.01 / 3), accuracy: 1e-3)
        // Damage confined to a 4-pixel border disappears with crop 4.
        var c = a
        for y in 0..<20 { for x in 0..<20 where x < 4 || y < 4 || x >= 16 || y >= 16 { c[x, y, 1] = 1 } }
        XCTAssertEqual(try Quality.psnr(a, c, luma: true, crop: 4), .infinity)
        XCTAssertEqual(try Quality.ssim(a, c, luma: true, crop: 4), 1, accuracy: 1e-9)
        XCTAssertLessThan(try Quality.psnr(a, c, luma: true, crop: 3), 30)
        // A grey image scores as its RGB copy under luma.
        let g1 = BasicTest.pattern(16, 16, channels: 1), g2 = BasicTest.constant(16, 16, channels: 1, value: 0.4)
        func rgb(_ g: Image) -> Image {
            Image(width: g.width, height: g.height, channels: 3, pixels: g.pixels.flatMap { [$0, $0, $0] })
        }
        XCTAssertEqual(try Quality.psnr(g1, g2, luma: true), try Quality.psnr(rgb(g1), rgb(g2), luma: true), accuracy: 1e-9)
    }

    func testMismatchesAreBadImage() {
        let rgb = BasicTest.pattern(10, 10), grey = BasicTest.pattern(10, 10, channels: 1)
        BasicTest.assertBadImage(try Quality.psnr(rgb, grey), "grey vs rgb")
        BasicTest.assertBadImage(try Quality.ssim(rgb, grey), "grey vs rgb")
        BasicTest.assertBadImage(try Quality.psnr(rgb, BasicTest.pattern(10, 11)), "size")
        BasicTest.assertBadImage(try Quality.psnr(rgb, rgb, crop: 5), "crop too large")
        BasicTest.assertBadImage(try Quality.ssim(rgb, rgb, crop: -1), "negative crop")
        BasicTest.assertBadImage(try Quality.psnr(rgb, rgb, crop: Int.max), "huge crop")
    }
}
