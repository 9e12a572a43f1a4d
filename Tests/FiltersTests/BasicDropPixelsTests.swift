import FilterAPI
import Filters
import XCTest

final class BasicDropPixelsTests: XCTestCase {
    func testFractionAndZeroedColour() throws {
        let image = BasicTest.constant(100, 100, channels: 4, value: 0.7)
        for fraction in [0.1, 0.5, 0.9] {
            let out = try BasicTest.run("drop-pixels", [("fraction", String(fraction))], on: image, seed: 11)
            var dropped = 0
            for i in 0..<out.pixelCount {
                let p = Array(out.pixels[(i * 4)..<(i * 4 + 4)])
                XCTAssertEqual(p[3], 0.7, "alpha untouched")
                if p[0] == 0 {
                    dropped += 1
                    XCTAssertEqual(p[0..<3], [0, 0, 0])
                } else {
                    XCTAssertEqual(p[0..<3], [0.7, 0.7, 0.7])
                }
            }
            XCTAssertEqual(Double(dropped) / 10_000, fraction, accuracy: 0.02)
        }
    }

    func testExtremesAndDeterminism() throws {
        let image = BasicTest.pattern(20, 10)
        XCTAssertEqual(try BasicTest.run("drop-pixels", [("fraction", "0")], on: image), image)
        let all = try BasicTest.run("drop-pixels", [("fraction", "1")], on: image)
        XCTAssertTrue(all.pixels.allSatisfy { $0 == 0 })
        let a = try BasicTest.run("drop-pixels", [("seed", "4")], on: image)
        XCTAssertEqual(a, try BasicTest.run("drop-pixels", [("seed", "4")], on: image, seed: 1))
        XCTAssertNotEqual(a, try BasicTest.run("drop-pixels", [("seed", "5")], on: image))
    }

    func testBadParameters() {
        for bad in ["-0.1", "1.5", "nan", "-inf"] {
            BasicTest.assertBadParameter(try BasicTest.make("drop-pixels", [("fraction", bad)]), bad)
        }
    }
}
