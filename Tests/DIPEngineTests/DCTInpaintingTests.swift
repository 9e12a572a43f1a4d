@testable import DIPEngine
import XCTest

/// The DCT fill of scattered missing pixels: it recovers a textured image, keeps known pixels,
/// is deterministic, and refuses what it cannot work on.
final class DCTInpaintingTests: XCTestCase {
    /// Stripes and a smooth ramp (what the fill is for: locally sparse in the DCT), RGB.
    func image(h: Int, w: Int) -> [Float] {
        var x = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 { for y in 0..<h { for i in 0..<w {
            let stripes = 0.2 * sin(Float(i) * 1.3 + Float(y) * 0.4)
            x[(c * h + y) * w + i] = 0.4 + 0.1 * Float(c) + 0.2 * Float(y) / Float(h) + (i < w / 2 ? stripes : 0)
        } } }
        return x
    }

    func mask(h: Int, w: Int, seed: UInt64 = 3) -> [Bool] {
        var rng = SeededRandom(seed: seed)
        return (0..<(h * w)).map { _ in rng.nextUniform() < 0.5 }
    }

    func mse(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +) / Double(a.count)
    }

    func testRecoversHalfTheMissingPixelsAndKeepsTheKnown() throws {
        let h = 40, w = 48, clean = image(h: h, w: w), known = mask(h: h, w: w)
        let damaged = clean.enumerated().map { known[$0.offset % (h * w)] ? $0.element : 0 }
        let fill = try DCTInpainting(image: damaged, known: known, channels: 3, height: h, width: w)
        let first = fill.result
        for _ in 0..<fill.iterations { fill.iterate() }
        let out = fill.result
        XCTAssertLessThan(mse(out, clean), 0.2 * mse(first, clean), "the passes should improve on the first fill a lot")
        XCTAssertLessThan(mse(out, clean), 1e-4, "40x48 stripes with half the pixels missing")
        for i in 0..<out.count where known[i % (h * w)] { XCTAssertEqual(out[i], clean[i], accuracy: 1e-5) }
        let again = try DCTInpainting(image: damaged, known: known, channels: 3, height: h, width: w)
        for _ in 0..<again.iterations { again.iterate() }
        XCTAssertEqual(again.result, out, "same input, different bits")
    }

    func testThresholdFallsFromStartToEnd() {
        XCTAssertEqual(DCTInpainting.threshold(0, of: 30), DCTInpainting.startThreshold)
        XCTAssertEqual(DCTInpainting.threshold(29, of: 30), DCTInpainting.endThreshold, accuracy: 1e-7)
        XCTAssertGreaterThan(DCTInpainting.threshold(10, of: 30), DCTInpainting.threshold(11, of: 30))
    }

    func testRefusesWhatItCannotFill() {
        let x = [Float](repeating: 0.5, count: 3 * 16 * 16)
        XCTAssertThrowsError(try DCTInpainting(image: x, known: [Bool](repeating: false, count: 256), channels: 3, height: 16, width: 16))
        XCTAssertThrowsError(try DCTInpainting(image: Array(x.prefix(3 * 15 * 16)), known: [Bool](repeating: true, count: 240),
                                               channels: 3, height: 15, width: 16), "sides under a block")
        XCTAssertThrowsError(try DCTInpainting(image: x, known: [true], channels: 3, height: 16, width: 16), "mask size")
    }
}
