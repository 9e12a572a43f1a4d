import XCTest
@testable import FilterAPI

/// `Deflicker`: a stream's restored frames pulled toward the previous one along block motion.
final class DeflickerTests: XCTestCase {
    /// A textured 64x48 RGB image (sums of sines, no flat blocks) moved right by `shift` pixels, with
    /// ±`noise` of pseudo-random noise drawn from `seed`.
    static func frame(shift: Float = 0, noise: Float = 0, seed: UInt32 = 1, width: Int = 64, height: Int = 48) -> Image {
        var image = Image(width: width, height: height, channels: 3)
        var state = seed
        for y in 0..<height {
            for x in 0..<width {
                let u = Float(x) - shift, v = Float(y)
                for c in 0..<3 {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let r = (Float(state >> 8) / Float(1 << 24) - 0.5) * 2 * noise
                    let base = 0.5 + 0.2 * sin(u * 0.45 + Float(c)) + 0.15 * cos(v * 0.37 + u * 0.11)
                    image.pixels[(y * width + x) * 3 + c] = min(max(base + r, 0), 1)
                }
            }
        }
        return image
    }

    static func meanAbsoluteError(_ a: Image, _ b: Image) -> Float {
        zip(a.pixels, b.pixels).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(a.pixels.count)
    }

    func testStillSceneWithChangingMistakesGetsCloserToTheTruth() {
        let clean = Self.frame()
        let memory = FrameMemory()
        var raw: Float = 0, steadied: Float = 0
        for k in 0..<8 {
            let frame = Self.frame(noise: 0.03, seed: UInt32(k + 1))
            memory.begin(frame)
            let out = memory.deflicker(frame)
            if k >= 2 { raw += Self.meanAbsoluteError(frame, clean); steadied += Self.meanAbsoluteError(out, clean) }
        }
        XCTAssertLessThan(steadied, 0.8 * raw, "averaging along (zero) motion shrinks mistakes that change from frame to frame")
    }

    func testAPanIsFollowedNotGhosted() {
        let previous = Self.frame(), current = Self.frame(shift: 1)
        let motion = BlockMotion(current: Deflicker.grey(current), previous: Deflicker.grey(previous),
                                 width: current.width, height: current.height)
        // Blocks away from the left edge (whose content came from outside the previous frame).
        for by in 0..<motion.blocksDown {
            for bx in 1..<motion.blocksAcross {
                let v = motion.vectors[by * motion.blocksAcross + bx]
                XCTAssertEqual(v.x, -1, accuracy: 0.1, "block (\(bx), \(by))")
                XCTAssertEqual(v.y, 0, accuracy: 0.1, "block (\(bx), \(by))")
            }
        }
        let out = Deflicker.blend(current, previous: previous)
        XCTAssertLessThan(Self.meanAbsoluteError(out, current), 0.002, "the moved previous frame matches: nothing ghosts")
        let still = Deflicker.blend(current, previous: Self.frame(shift: 1.5))
        XCTAssertLessThan(Self.meanAbsoluteError(still, current), 0.01, "a half-pixel pan is followed too")
    }

    func testDifferentContentIsLeftAlone() {
        let current = Self.frame()
        var other = current
        for i in other.pixels.indices { other.pixels[i] = 1 - other.pixels[i] }
        XCTAssertEqual(Deflicker.blend(current, previous: other), current, "no agreement anywhere: no pull")
        XCTAssertEqual(Deflicker.blend(current, previous: Self.frame(width: 32)), current, "another size: unchanged")
    }

    func testSceneCutAndSizeChangeRestart() {
        let memory = FrameMemory()
        memory.begin(Self.frame())
        _ = memory.deflicker(Self.frame(noise: 0.05))
        XCTAssertNotNil(memory.lastOutput)
        var inverted = Self.frame()
        for i in inverted.pixels.indices { inverted.pixels[i] = 1 - inverted.pixels[i] }
        memory.begin(inverted)
        XCTAssertEqual(memory.start, .sceneCut)
        XCTAssertNil(memory.lastOutput, "a scene cut forgets the previous output")
        XCTAssertEqual(memory.deflicker(inverted), inverted)
        memory.begin(inverted)
        XCTAssertEqual(memory.start, .reset, "no filter state kept, but the stream goes on")
        XCTAssertNotNil(memory.lastOutput)
        memory.begin(Self.frame(width: 40))
        XCTAssertNil(memory.lastOutput, "a size change forgets it")
    }

    func testBoxMeanMatchesTheNaiveMean() {
        let w = 7, h = 5, r = 2
        let values = (0..<(w * h)).map { Float(($0 * 37) % 11) }
        let fast = Deflicker.boxMean(values, width: w, height: h, radius: r)
        for y in 0..<h {
            for x in 0..<w {
                var sum: Float = 0, n: Float = 0
                for yy in max(0, y - r)...min(h - 1, y + r) {
                    for xx in max(0, x - r)...min(w - 1, x + r) { sum += values[yy * w + xx]; n += 1 }
                }
                XCTAssertEqual(fast[y * w + x], sum / n, accuracy: 1e-4)
            }
        }
    }

    func testKeysWeightsInterpolate() {
        var w = [Float](repeating: 0, count: 4)
        for t: Float in [0, 0.25, 0.5, 0.9] {
            BlockMotion.keys(t, into: &w)
            XCTAssertEqual(w.reduce(0, +), 1, accuracy: 1e-5, "weights sum to one at t = \(t)")
            XCTAssertEqual(w[0] * -1 + w[2] + w[3] * 2, t, accuracy: 1e-5, "reproduces a ramp at t = \(t)")
        }
        BlockMotion.keys(0, into: &w)
        XCTAssertEqual(w, [0, 1, 0, 0])
    }
}
