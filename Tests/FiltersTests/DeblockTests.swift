import DIPEngine
import FilterAPI
@testable import Filters
import XCTest

/// `deblock`: the JPEG strength read from the pixels, and the filter built on it.
final class DeblockTests: XCTestCase {
    /// libjpeg's luma table (Annex K) and its quality scaling (jcparam.c), top-left 3×3.
    private func expectedSteps(quality: Int) -> [Int] {
        let base = [16, 11, 10, 12, 12, 14, 14, 13, 16]
        let scale = quality < 50 ? 5000 / quality : 200 - 2 * quality
        return base.map { min(max(($0 * scale + 50) / 100, 1), 255) }
    }

    private func estimate(_ image: Image) -> JPEGQuantisation.Estimate? {
        let p = PlanarImage(colorsOf: image)
        return JPEGQuantisation.estimate(p.planes, channels: p.channels, height: p.height, width: p.width)
    }

    func testReadsTheQuantisationStepsOfARoundTrip() throws {
        let sample = try RestorationTest.crop(size: 192, x: 0, y: 0)
        for quality in [10, 30, 50, 75] {
            let jpeg = try RestorationTest.run("jpeg --quality \(quality)", on: sample)
            let e = try XCTUnwrap(estimate(jpeg), "quality \(quality)")
            let expected = expectedSteps(quality: quality)
            let read = zip(e.steps, expected).filter { $0.0 != nil }
            XCTAssertGreaterThanOrEqual(read.count, 6, "quality \(quality): \(e.steps)")
            for (got, want) in read { XCTAssertEqual(got, want, "quality \(quality): \(e.steps) vs \(expected)") }
        }
        // Grey JPEG too.
        var grey = Image(width: 192, height: 192, channels: 1)
        for y in 0..<192 { for x in 0..<192 { grey[x, y, 0] = sample[x, y, 1] } }
        let e = try XCTUnwrap(estimate(try RestorationTest.run("jpeg --quality 20", on: grey)))
        XCTAssertEqual(e.steps.compactMap { $0 }, zip(e.steps, expectedSteps(quality: 20)).compactMap { $0.0 == nil ? nil : $0.1 })
    }

    func testAnImageThatWasNeverCompressedOrLeftItsGridReadsAsNone() throws {
        let sample = try RestorationTest.crop(size: 192, x: 0, y: 0)
        XCTAssertNil(estimate(sample))
        XCTAssertNil(estimate(try RestorationTest.run("add-noise --sigma 10 --seed 2", on: sample)))
        // Cropped 3 pixels off the JPEG's grid.
        let jpeg = try RestorationTest.run("jpeg --quality 20", on: sample)
        var shifted = Image(width: 189, height: 189, channels: 3)
        for y in 0..<189 { for x in 0..<189 { for c in 0..<3 { shifted[x, y, c] = jpeg[x + 3, y + 3, c] } } }
        XCTAssertNil(estimate(shifted))
        // Too small to tell.
        XCTAssertNil(estimate(BasicTest.pattern(15, 40)))
    }

    /// Never worse than doing nothing: the default, run to the end or cut short, is closer to the
    /// clean image than the JPEG; an image with no JPEG grid is left alone.
    func testDeblockIsNeverWorseThanTheJPEG() throws {
        let clean = try RestorationTest.crop(size: 192, x: 0, y: 0)
        for quality in [10, 40] {
            let jpeg = try RestorationTest.run("jpeg --quality \(quality)", on: clean)
            let before = try RestorationTest.psnr(jpeg, clean)
            for (spec, margin) in [("deblock", 0.3), ("deblock --iters 50", 0.3), ("deblock --iters 1", 0.1)] {
                let after = try RestorationTest.psnr(try RestorationTest.run(spec, on: jpeg), clean)
                XCTAssertGreaterThan(after, before + margin, "\(spec), quality \(quality): \(before) → \(after) dB")
            }
        }
        XCTAssertEqual(try RestorationTest.run("deblock", on: clean).pixels, clean.pixels)
        // Told a strength, it filters anyway.
        XCTAssertNotEqual(try RestorationTest.run("deblock --sigma 10", on: clean).pixels, clean.pixels)
    }

    func testTheStrengthGrowsWithTheStep() {
        let s = [2.0, 6.6, 13.1, 32.9, 65.6].map { DeblockFilter.artefactSigma(meanStep: $0) }
        XCTAssertEqual(s, s.sorted())
        XCTAssertEqual(DeblockFilter.artefactSigma(meanStep: 0), 0)
    }
}
