import FilterAPI
import Filters
import XCTest

final class BasicNoiseTests: XCTestCase {
    func testSigmaMatchesOnMidGrey() throws {
        let image = BasicTest.constant(64, 64, value: 0.5, format: .float32)
        for sigma in [10.0, 25.0] {
            let out = try BasicTest.run("add-noise", [("sigma", String(sigma)), ("seed", "3")], on: image)
            let n = Double(out.pixels.count)
            let mean = out.pixels.reduce(0.0) { $0 + Double($1) } / n
            let variance = out.pixels.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / n
            XCTAssertEqual(mean, 0.5, accuracy: 0.005)
            XCTAssertEqual(variance.squareRoot(), sigma / 255, accuracy: 0.03 * sigma / 255)
        }
    }

    func testClampsAndKeepsAlpha() throws {
        var image = BasicTest.constant(16, 16, channels: 2, value: 0.98)
        for i in stride(from: 1, to: image.pixels.count, by: 2) { image.pixels[i] = 0.25 }
        let out = try BasicTest.run("add-noise", [("sigma", "100")], on: image)
        for i in stride(from: 0, to: out.pixels.count, by: 2) { XCTAssertTrue((0...1).contains(out.pixels[i])) }
        for i in stride(from: 1, to: out.pixels.count, by: 2) { XCTAssertEqual(out.pixels[i], 0.25) }
        XCTAssertTrue(out.pixels.contains(1), "clamped at 1")
    }

    func testSeedDeterminism() throws {
        let image = BasicTest.pattern(12, 9)
        let a = try BasicTest.run("add-noise", [("seed", "7")], on: image)
        let b = try BasicTest.run("add-noise", [("seed", "7")], on: image, seed: 99)
        let c = try BasicTest.run("add-noise", [("seed", "8")], on: image)
        XCTAssertEqual(a, b, "--seed overrides the run's seed")
        XCTAssertNotEqual(a, c)
        let d = try BasicTest.run("add-noise", on: image, seed: 5)
        let e = try BasicTest.run("add-noise", on: image, seed: 5)
        let f = try BasicTest.run("add-noise", on: image, seed: 6)
        XCTAssertEqual(d, e, "run seed used without --seed")
        XCTAssertNotEqual(d, f)
    }

    func testSigmaZeroIsIdentity() throws {
        let image = BasicTest.pattern(8, 8)
        XCTAssertEqual(try BasicTest.run("add-noise", [("sigma", "0")], on: image), image)
    }

    func testBadParameters() {
        for bad in ["-1", "256", "nan", "inf", ""] {
            BasicTest.assertBadParameter(try BasicTest.make("add-noise", [("sigma", bad)]), bad)
        }
        BasicTest.assertBadParameter(try BasicTest.make("add-noise", [("seed", "-2")]))
        BasicTest.assertBadParameter(try BasicTest.make("add-noise", [("seed", "x")]))
    }
}
