@testable import DIPEngine
import XCTest

/// The thresholding step of the sparse fills: what a block keeps, its weight, the schedule.
final class DCTThresholdTests: XCTestCase {
    func testKeepsLargeCoefficientsAndTheDC() {
        var block = [SIMD8<Float>](repeating: .zero, count: 8)
        block[0][0] = 0.05          // DC under the threshold: kept anyway
        block[0][1] = -0.5          // large, negative: kept
        block[3][4] = 0.09          // small: zeroed
        block[7][7] = 0.1           // at the threshold: kept
        let w = DCTThreshold.keepLarge(&block, 0.1)
        XCTAssertEqual(w, 1.0 / 3)
        XCTAssertEqual(block[0][0], 0.05)
        XCTAssertEqual(block[0][1], -0.5)
        XCTAssertEqual(block[3][4], 0)
        XCTAssertEqual(block[7][7], 0.1)
    }

    /// With a threshold above every AC coefficient each block is its mean: a ramp becomes a
    /// staircase smoothed by the overlaps, and a constant image stays exactly constant.
    func testOnlyDCLeftKeepsAConstantImage() {
        for block in [DCTThreshold.Block.eight, .sixteen] {
            let flat = [Float](repeating: 0.3, count: 2 * 20 * 24)
            let out = DCTThreshold.apply(flat, channels: 2, height: 20, width: 24, threshold: 100, stride: 3, block: block)
            for v in out { XCTAssertEqual(v, 0.3, accuracy: 1e-6) }
            let small = [Float](repeating: 0.3, count: 7 * 7)
            XCTAssertEqual(DCTThreshold.apply(small, channels: 1, height: 7, width: 7, threshold: 0, stride: 1, block: block), small,
                           "under a block: unchanged")
        }
    }

    /// A zero threshold keeps every coefficient: the blocks reproduce the image.
    func testZeroThresholdIsTheIdentity() {
        var rng = SeededRandom(seed: 4)
        let x = (0..<(3 * 18 * 21)).map { _ in rng.nextUniform() }
        let out = DCTThreshold.apply(x, channels: 3, height: 18, width: 21, threshold: 0, stride: 2, block: .eight)
        for (a, b) in zip(out, x) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testScheduleFallsGeometrically() {
        XCTAssertEqual(DCTThreshold.schedule(0, of: 20, from: 0.2, to: 0.01), 0.2)
        XCTAssertEqual(DCTThreshold.schedule(19, of: 20, from: 0.2, to: 0.01), 0.01, accuracy: 1e-7)
        XCTAssertEqual(DCTThreshold.schedule(5, of: 1, from: 0.2, to: 0.01), 0.01)
        let mid = DCTThreshold.schedule(10, of: 21, from: 0.4, to: 0.01)
        XCTAssertEqual(mid, (0.4 * 0.01 as Float).squareRoot(), accuracy: 1e-6)
    }
}
