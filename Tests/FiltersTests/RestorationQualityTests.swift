import FilterAPI
import Filters
import XCTest

/// Each DIP filter measurably improves its degraded 64×64 input in a few hundred steps of the
/// fast preset (release build; see scripts/test.sh).
final class RestorationQualityTests: XCTestCase {
    /// PSNR against the clean crop of the degraded image and of its restoration.
    private func scores(degrade: String, restore: String) throws -> (before: Double, after: Double) {
        let clean = try RestorationTest.crop()
        let degraded = try RestorationTest.run(degrade, on: clean)
        let out = try RestorationTest.run(restore, on: degraded)
        return (try RestorationTest.psnr(degraded, clean), try RestorationTest.psnr(out, clean))
    }

    func testDenoiseImprovesPSNR() throws {
        let (before, after) = try scores(degrade: "add-noise --sigma 25 --seed 3", restore: "denoise --iters 300")
        XCTAssertGreaterThan(after, before + 3, "denoise: \(before) → \(after) dB")
    }

    /// An image smaller than a Wiener block (16 px) is mirrored out to one and cropped back.
    func testDenoiseImprovesAnImageSmallerThanABlock() throws {
        let clean = BasicTest.pattern(13, 9)
        let noisy = try RestorationTest.run("add-noise --sigma 25 --seed 3", on: clean)
        let out = try RestorationTest.run("denoise --iters 50", on: noisy)
        XCTAssertEqual([out.width, out.height], [13, 9])
        XCTAssertGreaterThan(try RestorationTest.psnr(out, clean), try RestorationTest.psnr(noisy, clean) + 1)
    }

    func testInpaintScatteredPixelsImprovesPSNR() throws {
        let clean = try RestorationTest.crop()
        let damaged = try RestorationTest.run("drop-pixels --fraction 0.5 --seed 5", on: clean)
        // The mask: known where the damaged image kept the pixel.
        var mask = Image(width: 64, height: 64, channels: 1)
        for y in 0..<64 { for x in 0..<64 {
            mask[x, y, 0] = (0..<3).allSatisfy { damaged[x, y, $0] == 0 } && (0..<3).contains { clean[x, y, $0] != 0 } ? 0 : 1
        } }
        // The default (fast: the DCT fill) and a short DIP fit (paper's set-up, 300 steps).
        for spec in ["inpaint --mask m", "inpaint --mask m --preset paper --iters 300"] {
            let out = try RestorationTest.run(spec, on: damaged, extra: ["mask": mask])
            let before = try RestorationTest.psnr(damaged, clean), after = try RestorationTest.psnr(out, clean)
            XCTAssertGreaterThan(after, before + 8, "\(spec): \(before) → \(after) dB")
        }
    }

    func testInpaintTextOverlayImprovesPSNR() throws {
        let clean = try RestorationTest.crop()
        var damaged = clean
        var mask = Image(width: 64, height: 64, channels: 1, pixels: [Float](repeating: 1, count: 64 * 64))
        for y in 0..<64 { for x in 0..<64 where (y % 16 < 3) || ((x + y) % 23 < 2) {
            mask[x, y, 0] = 0
            for c in 0..<3 { damaged[x, y, c] = 1 }   // white "text"
        } }
        let out = try RestorationTest.run("inpaint --mask m --iters 300", on: damaged, extra: ["mask": mask])
        let before = try RestorationTest.psnr(damaged, clean), after = try RestorationTest.psnr(out, clean)
        XCTAssertGreaterThan(after, before + 6, "inpaint text: \(before) → \(after) dB")
    }

    func testSuperResolutionBeatsItsInputAndBicubic() throws {
        let clean = try RestorationTest.crop()
        let low = try RestorationTest.run("downscale --factor 2", on: clean)
        XCTAssertEqual(low.width, 32)
        let bicubic = try RestorationTest.run("resize --scale 2 --method bicubic", on: low)
        let nearest = try RestorationTest.psnr(try nearestUp(low), clean)
        let b = try RestorationTest.psnr(bicubic, clean)
        // The default (the sparse upscale), a short run of it (never below bicubic), and the DIP fit.
        for (spec, margin) in [("sr --scale 2", 0.3), ("sr --scale 2 --iters 2", 0.0), ("sr --scale 2 --preset paper --iters 300", 0.0)] {
            let out = try RestorationTest.run(spec, on: low)
            XCTAssertEqual(out.width, 64)
            XCTAssertEqual(out.height, 64)
            let s = try RestorationTest.psnr(out, clean)
            XCTAssertGreaterThan(s, nearest + 1, "\(spec) vs nearest: \(nearest) → \(s) dB")
            XCTAssertGreaterThan(s, b + margin, "\(spec): \(s) dB vs bicubic \(b) dB")
        }
    }

    func testFlashOutputIsCloserToNoFlashThanTheFlashImage() throws {
        let scene = try RestorationTest.crop()
        // No-flash: dim, warm and noisy; flash: bright, cool and clean.
        var noFlash = scene, flash = scene
        for i in 0..<(64 * 64) {
            noFlash.pixels[3 * i] *= 0.5; noFlash.pixels[3 * i + 1] *= 0.4; noFlash.pixels[3 * i + 2] *= 0.3
            for c in 0..<3 { flash.pixels[3 * i + c] = min(1, flash.pixels[3 * i + c] * 1.2 + 0.1) }
        }
        noFlash = try RestorationTest.run("add-noise --sigma 12 --seed 9", on: noFlash)
        let out = try RestorationTest.run("flash --flash f --iters 150", on: noFlash, extra: ["flash": flash])
        let input = try RestorationTest.psnr(flash, noFlash), result = try RestorationTest.psnr(out, noFlash)
        XCTAssertGreaterThan(result, input + 3, "flash: \(input) → \(result) dB against the no-flash image")
    }

    /// Pixel replication, the crudest upscale, as a floor.
    private func nearestUp(_ image: Image) throws -> Image {
        var out = Image(width: image.width * 2, height: image.height * 2, channels: image.channels, format: image.format)
        for y in 0..<out.height { for x in 0..<out.width { for c in 0..<image.channels {
            out[x, y, c] = image[x / 2, y / 2, c]
        } } }
        return out
    }
}

/// Never worse than doing nothing: a short denoise leans on its input instead of returning an
/// underfitted blur.
final class NeverWorseTests: XCTestCase {
    func testShortDenoiseIsNotWorseThanItsInput() throws {
        let clean = try RestorationTest.crop(size: 64)
        let noisy = try RestorationTest.run("add-noise --sigma 25 --seed 3", on: clean)
        for spec in ["denoise --iters 1", "denoise --iters 50", "denoise --preset quality --iters 50"] {
            let out = try RestorationTest.run(spec, on: noisy)
            let before = try RestorationTest.psnr(noisy, clean), after = try RestorationTest.psnr(out, clean)
            XCTAssertGreaterThanOrEqual(after, before, "\(spec): \(before) → \(after) dB")
        }
    }
}
