import FilterAPI
import Filters
import XCTest

final class BasicDownscaleTests: XCTestCase {
    func testSizesAndCentreCrop() throws {
        let out = try BasicTest.run("downscale", [("factor", "4")], on: BasicTest.pattern(32, 16))
        XCTAssertEqual(out.width, 8)
        XCTAssertEqual(out.height, 4)
        // 17×9 with factor 2: centre-cropped to 16×8 → 8×4.
        let odd = try BasicTest.run("downscale", [("factor", "2")], on: BasicTest.pattern(17, 9))
        XCTAssertEqual(odd.width, 8)
        XCTAssertEqual(odd.height, 4)
        let three = try BasicTest.run("downscale", [("factor", "3")], on: BasicTest.pattern(20, 11))
        XCTAssertEqual(three.width, 6)
        XCTAssertEqual(three.height, 3)
        XCTAssertTrue(try BasicTest.make("downscale", [("factor", "3")]).outputSize(width: 20, height: 11) == (6, 3))
    }

    func testConstantStaysConstant() throws {
        for f in 2...8 {
            let out = try BasicTest.run("downscale", [("factor", String(f))],
                                        on: BasicTest.constant(8 * f, 3 * f, value: 0.3))
            for v in out.pixels { XCTAssertEqual(v, 0.3, accuracy: 1e-5, "factor \(f)") }
        }
    }

    /// The Lanczos2 window written out here independently of the kernel code.
    private func lanczos2(_ d: Double) -> Double {
        if d == 0 { return 1 }
        if d >= 2 { return 0 }
        return 2 * sin(Double.pi * d) * sin(Double.pi * d / 2) / (Double.pi * Double.pi * d * d)
    }

    func testImpulseMatchesHandComputedTaps() throws {
        // A bright column at x = 8 on grey, constant down the columns, factor 2. Per DIP-REFERENCE
        // the 8 taps sit at distances |t − 3.5| / 2 and the image is padded by 3, so output column
        // j reads inputs 2j − 3 ... 2j + 4 and input 8 meets tap 8 − 2j + 3.
        var image = BasicTest.constant(16, 4, channels: 1, value: 0.5)
        for y in 0..<4 { image[8, y, 0] = 1 }
        let out = try BasicTest.run("downscale", [("factor", "2")], on: image)
        XCTAssertEqual(out.width, 8)
        XCTAssertEqual(out.height, 2)
        let raw = (0..<8).map { lanczos2(abs(Double($0) - 3.5) / 2) }
        let sum = raw.reduce(0, +)
        for j in 0..<8 {
            let t = 8 - 2 * j + 3
            let tap = (0..<8).contains(t) ? raw[t] / sum : 0
            let expected = min(max(0.5 + 0.5 * tap, 0), 1)
            for y in 0..<out.height { XCTAssertEqual(Double(out[j, y, 0]), expected, accuracy: 1e-5, "column \(j)") }
        }
        XCTAssertEqual(Double(out[4, 0, 0]), 0.5 + 0.5 * lanczos2(0.25) / sum, accuracy: 1e-5)
    }

    func testBadParametersAndTinyImages() {
        for bad in ["1", "9", "0", "-2", "2.5", "nan"] {
            BasicTest.assertBadParameter(try BasicTest.make("downscale", [("factor", bad)]), bad)
        }
        BasicTest.assertBadImage(try BasicTest.run("downscale", [("factor", "4")], on: BasicTest.constant(3, 10)))
    }
}
