import FilterAPI
import Filters
import XCTest

final class BasicResizeTests: XCTestCase {
    func testScaleSizes() throws {
        let out = try BasicTest.run("resize", [("scale", "0.5")], on: BasicTest.pattern(20, 13))
        XCTAssertEqual(out.width, 10)
        XCTAssertEqual(out.height, 7)   // 6.5 rounds to 7 (half away from zero)
        let up = try BasicTest.run("resize", [("scale", "2.5"), ("method", "bicubic")], on: BasicTest.pattern(8, 6))
        XCTAssertEqual(up.width, 20)
        XCTAssertEqual(up.height, 15)
        XCTAssertEqual(up.pixels.count, 20 * 15 * 3)
    }

    func testWidthOrHeightAloneKeepsAspect() throws {
        let f = try BasicTest.make("resize", [("width", "50")])
        XCTAssertTrue(try f.outputSize(width: 200, height: 100) == (50, 25))
        let g = try BasicTest.make("resize", [("height", "30")])
        XCTAssertTrue(try g.outputSize(width: 200, height: 100) == (60, 30))
        let h = try BasicTest.make("resize", [("width", "7"), ("height", "9")])
        XCTAssertTrue(try h.outputSize(width: 200, height: 100) == (7, 9))
        let tiny = try BasicTest.make("resize", [("scale", "0.001")])
        XCTAssertTrue(try tiny.outputSize(width: 100, height: 50) == (1, 1))
    }

    func testScaleOneIsBitExactCopy() throws {
        var image = BasicTest.pattern(9, 7, channels: 4)
        image.format = .unsigned(bits: 16)
        image[3, 3, 0] = 0.123456789   // a value no resampling would reproduce by chance
        for method in ["lanczos3", "bicubic"] {
            let out = try BasicTest.run("resize", [("scale", "1"), ("method", method)], on: image)
            XCTAssertEqual(out, image)
            let same = try BasicTest.run("resize", [("width", "9"), ("height", "7"), ("method", method)], on: image)
            XCTAssertEqual(same, image)
        }
    }

    func testOneAxisUnchangedIsCopiedExactly() throws {
        // Columns constant down the image, varying across it: resizing the height alone leaves the
        // horizontal axis untouched, so every output row equals the input row (up to float rounding).
        var image = Image(width: 12, height: 5, channels: 1, format: .unsigned(bits: 16))
        for y in 0..<5 { for x in 0..<12 { image[x, y, 0] = Float(x * x % 7) / 7 } }
        let out = try BasicTest.run("resize", [("width", "12"), ("height", "10"), ("method", "bicubic")], on: image)
        XCTAssertEqual(out.width, 12)
        XCTAssertEqual(out.height, 10)
        XCTAssertEqual(out.format, image.format)
        for y in 0..<10 { for x in 0..<12 { XCTAssertEqual(out[x, y, 0], image[x, 0, 0], accuracy: 1e-6) } }
    }

    func testConstantStaysConstant() throws {
        for method in ["lanczos3", "bicubic"] {
            for scale in ["0.3", "0.5", "1.7", "3"] {
                let out = try BasicTest.run("resize", [("scale", scale), ("method", method)],
                                            on: BasicTest.constant(17, 11, value: 0.4))
                for v in out.pixels { XCTAssertEqual(v, 0.4, accuracy: 1e-5, "\(method) ×\(scale)") }
            }
        }
    }

    func testDownscaleAntialiases() throws {
        // A one-pixel checkerboard shrunk 4×: point sampling would give pure 0s or 1s; an
        // antialiased kernel averages to about 0.5 everywhere.
        var board = Image(width: 32, height: 32, channels: 1)
        for y in 0..<32 { for x in 0..<32 { board[x, y, 0] = Float((x + y) % 2) } }
        for method in ["lanczos3", "bicubic"] {
            let out = try BasicTest.run("resize", [("scale", "0.25"), ("method", method)], on: board)
            XCTAssertEqual(out.width, 8)
            for v in out.pixels { XCTAssertEqual(v, 0.5, accuracy: 0.05, method) }
        }
    }

    func testUpscaleInterpolatesLinearRamp() throws {
        // Interior samples of a linear ramp stay on the ramp: exactly for Keys' cubic (it reproduces
        // polynomials up to degree 2), within a small ripple for the windowed sinc.
        var ramp = Image(width: 16, height: 1, channels: 1, format: .float32)
        for x in 0..<16 { ramp[x, 0, 0] = Float(x) / 20 }
        for (method, tolerance) in [("bicubic", 1e-5), ("lanczos3", 2e-3)] {
            let out = try BasicTest.run("resize", [("width", "32"), ("height", "1"), ("method", method)], on: ramp)
            for x in 8..<24 {
                let expected = (Double(x) + 0.5) / 2 - 0.5   // input coordinate of output pixel x
                XCTAssertEqual(Double(out[x, 0, 0]), expected / 20, accuracy: tolerance, method)
            }
            XCTAssertEqual(out.format, .float32)
        }
    }

    func testTransposedShapeStaysCheap() throws {
        // 1×4000 → 4000×1 must not build a 4000×4000 temporary (shrinks first) and stays constant.
        let column = BasicTest.constant(1, 4000, channels: 1, value: 0.25)
        let row = try BasicTest.run("resize", [("width", "4000"), ("height", "1")], on: column)
        XCTAssertEqual(row.width, 4000)
        XCTAssertEqual(row.height, 1)
        for v in row.pixels { XCTAssertEqual(v, 0.25, accuracy: 1e-5) }
        let back = try BasicTest.run("resize", [("width", "1"), ("height", "4000")], on: row)
        XCTAssertEqual(back.width, 1)
        for v in back.pixels { XCTAssertEqual(v, 0.25, accuracy: 1e-5) }
    }

    func testTransparentColourDoesNotBleed() throws {
        // Left half opaque red, right half fully transparent green: resampled premultiplied, the
        // visible pixels stay pure red.
        var image = Image(width: 16, height: 4, channels: 4)
        for y in 0..<4 {
            for x in 0..<16 {
                if x < 8 { image[x, y, 0] = 1; image[x, y, 3] = 1 } else { image[x, y, 1] = 1 }
            }
        }
        let out = try BasicTest.run("resize", [("scale", "0.5")], on: image)
        for y in 0..<out.height {
            for x in 0..<out.width where out[x, y, 3] > 0.01 {
                XCTAssertEqual(out[x, y, 1], 0, accuracy: 1e-6)
                XCTAssertEqual(out[x, y, 0], 1, accuracy: 1e-4)
            }
        }
    }

    func testGreyStaysGrey() throws {
        let out = try BasicTest.run("resize", [("scale", "0.5")], on: BasicTest.pattern(10, 10, channels: 2))
        XCTAssertEqual(out.channels, 2)
    }

    func testBadParameters() throws {
        BasicTest.assertBadParameter(try BasicTest.make("resize", []), "no size")
        BasicTest.assertBadParameter(try BasicTest.make("resize", [("scale", "2"), ("width", "4")]), "both")
        for bad in ["0", "-1", "nan", "NaN", "inf", "abc", "1e9"] {
            BasicTest.assertBadParameter(try BasicTest.make("resize", [("scale", bad)]), bad)
        }
        for bad in ["0", "-3", "2.5", "99999999999"] {
            BasicTest.assertBadParameter(try BasicTest.make("resize", [("width", bad)]), bad)
        }
        BasicTest.assertBadParameter(try BasicTest.make("resize", [("scale", "2"), ("method", "nearest")]))
        let huge = try BasicTest.make("resize", [("scale", "10000")])
        BasicTest.assertBadParameter(try huge.outputSize(width: 1000, height: 1000), "absurd size")
        BasicTest.assertBadImage(try huge.outputSize(width: 0, height: 10), "empty input")
        XCTAssertThrowsError(try BasicTest.run("resize", [("scale", "100")], on: BasicTest.constant(10, 10), maxPixels: 1000)) {
            guard case DipError.noMemory = $0 else { return XCTFail("expected noMemory, got \($0)") }
        }
    }
}
