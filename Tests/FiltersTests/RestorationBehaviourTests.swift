import FilterAPI
import Filters
import XCTest

/// Sizes, channels, formats, determinism, time limits, cancellation and bad input of the DIP filters.
final class RestorationBehaviourTests: XCTestCase {
    func testSameSeedSameOutputDifferentSeedDifferent() throws {
        let image = BasicTest.pattern(32, 32)
        for spec in ["denoise --preset quality --iters 20", "deblock --preset paper --iters 20"] {
            let a = try RestorationTest.run(spec, on: image, seed: 4)
            let b = try RestorationTest.run(spec, on: image, seed: 4)
            let c = try RestorationTest.run(spec, on: image, seed: 5)
            XCTAssertEqual(a.pixels, b.pixels, spec)
            XCTAssertNotEqual(a.pixels, c.pixels, spec)
        }
        // The fast denoise and deblock have no net and nothing random: the seed does not change it.
        for spec in ["denoise", "deblock --sigma 10"] {
            XCTAssertEqual(try RestorationTest.run(spec, on: image, seed: 4).pixels,
                           try RestorationTest.run(spec, on: image, seed: 5).pixels, spec)
        }
    }

    func testAnySizeGreyRGBAAnd16Bit() throws {
        let grey = BasicTest.pattern(37, 21, channels: 1)
        let g = try RestorationTest.run("denoise --iters 3", on: grey)
        XCTAssertEqual([g.width, g.height, g.channels], [37, 21, 1])

        var rgba = BasicTest.pattern(19, 45, channels: 4)
        rgba.format = .unsigned(bits: 16)
        for i in 0..<(19 * 45) { rgba.pixels[4 * i + 3] = Float(i % 7) / 6 }
        let out = try RestorationTest.run("denoise --iters 3", on: rgba)
        XCTAssertEqual([out.width, out.height, out.channels], [19, 45, 4])
        XCTAssertEqual(out.format, .unsigned(bits: 16))
        for i in 0..<(19 * 45) { XCTAssertEqual(out.pixels[4 * i + 3], rgba.pixels[4 * i + 3]) }
        XCTAssertTrue(out.pixels.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    func testTinyImagesArePadded() throws {
        for (w, h) in [(1, 1), (3, 2), (5, 5)] {
            let out = try RestorationTest.run("denoise --iters 2", on: BasicTest.pattern(w, h))
            XCTAssertEqual([out.width, out.height], [w, h])
            let sr = try RestorationTest.run("sr --scale 3 --iters 2", on: BasicTest.pattern(w, h))
            XCTAssertEqual([sr.width, sr.height], [3 * w, 3 * h])
        }
    }

    func testChainDenoiseThenSuperResolution() throws {
        let out = try RestorationTest.run("denoise --iters 3 ! sr --scale 4 --iters 3", on: BasicTest.pattern(20, 12))
        XCTAssertEqual([out.width, out.height], [80, 48])
        let chain = try Chain(spec: "denoise ! sr --scale 4", registry: StandardFilters.registry)
        XCTAssertTrue(try chain.outputSize(width: 20, height: 12) == (80, 48))
    }

    func testMaskFromAlphaFillsAndMakesOpaque() throws {
        var image = BasicTest.pattern(32, 32, channels: 4)
        for i in 0..<(32 * 32) { image.pixels[4 * i + 3] = (i % 32) < 4 ? 0 : 1 }
        let out = try RestorationTest.run("inpaint --mask alpha --iters 3", on: image)
        XCTAssertTrue(stride(from: 3, to: out.pixels.count, by: 4).allSatisfy { out.pixels[$0] == 1 })
        // Every known pixel keeps its colour exactly; the holes take the net's output.
        var changedInHoles = 0
        for y in 0..<32 {
            for x in 0..<32 {
                for c in 0..<3 {
                    if x < 4 { changedInHoles += out[x, y, c] != image[x, y, c] ? 1 : 0; continue }
                    XCTAssertEqual(out[x, y, c], image[x, y, c], "known pixel (\(x), \(y)) channel \(c) changed")
                }
            }
        }
        XCTAssertGreaterThan(changedInHoles, 0, "the holes were not filled")
    }

    func testMaxSecondsStopsEarly() throws {
        var steps = 0
        _ = try RestorationTest.run("denoise --iters 100000 --max-seconds 0.5", on: BasicTest.pattern(32, 32),
                                    progress: { steps = $0.step; return true })
        XCTAssertGreaterThan(steps, 0)
        XCTAssertLessThan(steps, 100000)
    }

    func testProgressCallbackCancels() throws {
        XCTAssertThrowsError(try RestorationTest.run("denoise --iters 1000", on: BasicTest.pattern(32, 32),
                                                     progress: { $0.step < 3 })) { error in
            XCTAssertEqual(error as? DipError, .cancelled)
        }
    }

    /// Every case keeps every known pixel of a mask file exactly (a sparse mask, a thick hole
    /// crossing the padded border, on an image smaller than the region net's 96-pixel minimum).
    func testInpaintKeepsEveryKnownPixelInEachCase() throws {
        let image = BasicTest.pattern(48, 40)
        var mask = BasicTest.constant(48, 40, channels: 1, value: 1)
        for y in 0..<40 { for x in 0..<48 where (x * 7 + y * 3) % 5 == 0 || (x > 30 && y > 20) { mask[x, y, 0] = 0 } }
        for c in ["pixels", "text", "holes", "region"] {
            let out = try RestorationTest.run("inpaint --mask m --case \(c) --iters 2", on: image, extra: ["mask": mask])
            XCTAssertEqual([out.width, out.height], [48, 40], c)
            var kept = 0, known = 0
            for y in 0..<40 {
                for x in 0..<48 where mask[x, y, 0] == 1 {
                    known += 1
                    if (0..<3).allSatisfy({ out[x, y, $0] == image[x, y, $0] }) { kept += 1 }
                }
            }
            XCTAssertEqual(kept, known, "case \(c): \(known - kept) known pixels changed")
        }
    }

    func testBadMasks() throws {
        let image = BasicTest.pattern(16, 16)
        let small = BasicTest.constant(8, 8, channels: 1, value: 1)
        BasicTest.assertBadImage(try RestorationTest.run("inpaint --mask m", on: image, extra: ["mask": small]))
        let white = BasicTest.constant(16, 16, channels: 1, value: 1)
        BasicTest.assertBadImage(try RestorationTest.run("inpaint --mask m", on: image, extra: ["mask": white]))
        let black = BasicTest.constant(16, 16, channels: 1, value: 0)
        BasicTest.assertBadImage(try RestorationTest.run("inpaint --mask m", on: image, extra: ["mask": black]))
        BasicTest.assertBadImage(try RestorationTest.run("inpaint --mask alpha", on: image))
        // No --mask: the command line refuses it before reading input (checkRequired); a library
        // caller passes the mask as the extra input instead.
        for spec in ["inpaint", "flash", "sr"] {
            let stage = try XCTUnwrap(Chain(spec: spec, registry: StandardFilters.registry).filters.first)
            BasicTest.assertBadParameter(try stage.checkRequired(), spec)
        }
        var mask = BasicTest.constant(16, 16, channels: 1, value: 1)
        for y in 6..<10 { for x in 6..<10 { mask.pixels[y * 16 + x] = 0 } }
        XCTAssertNoThrow(try RestorationTest.run("inpaint", on: image, extra: ["mask": mask]))
    }

    func testBadParameters() throws {
        let image = BasicTest.pattern(16, 16)
        for spec in ["sr --scale 1", "sr --scale 0", "sr --scale 100", "denoise --iters 0", "denoise --lr nan",
                     "denoise --lr -1", "denoise --max-seconds -3", "denoise --preset huge",
                     "inpaint --mask m --case blob", "deblock --iters -5",
                     "denoise --sigma 5 --sigma 10", "denoise --iters=3 --iters 3"] {
            BasicTest.assertBadParameter(try RestorationTest.run(spec, on: image), spec)
        }
    }

    func testFlashOfAnotherSize() throws {
        BasicTest.assertBadImage(try RestorationTest.run("flash --flash f", on: BasicTest.pattern(16, 16),
                                                         extra: ["flash": BasicTest.pattern(8, 16)]))
    }

    func testDivergenceNeverReturnsNaN() throws {
        // An absurd learning rate makes the fit blow up; the output must still be finite pixels.
        let image = BasicTest.pattern(32, 32)
        let out = try RestorationTest.run("denoise --iters 60 --lr 10", on: image)
        XCTAssertTrue(out.pixels.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }
}
