@testable import DIPEngine
import XCTest

final class LanczosTests: XCTestCase {
    func testTapsNormalisedSymmetricAndSized() throws {
        for f in 1...8 {
            let k = try Lanczos2Kernel(factor: f)
            XCTAssertEqual(k.taps.count, 4 * f)
            XCTAssertEqual(Double(k.taps.reduce(0, +)), 1, accuracy: 1e-5)
            XCTAssertEqual(k.padding + k.paddingAfter, 3 * f)
            if f % 2 == 0 {
                for t in 0..<(4 * f) { XCTAssertEqual(k.taps[t], k.taps[4 * f - 1 - t], accuracy: 1e-7) }
                XCTAssertEqual(k.padding, 3 * f / 2)
            } else {
                XCTAssertEqual(k.taps[4 * f - 1], 0, accuracy: 1e-7)
                for d in 1..<(2 * f) { XCTAssertEqual(k.taps[2 * f - 1 - d], k.taps[2 * f - 1 + d], accuracy: 1e-7) }
            }
        }
        // Reference values for ×4 (from the formula in DIP-REFERENCE, 2-D kernel normalised).
        let k4 = try Lanczos2Kernel(factor: 4)
        XCTAssertGreaterThan(k4.taps[7], k4.taps[6])
        XCTAssertLessThan(k4.taps[0], 0) // negative lobe
        XCTAssertThrowsError(try Lanczos2Kernel(factor: 0))
    }

    func testDownsampleSizesConstantsAndLayouts() throws {
        var rng = SeededRandom(seed: 2, stream: "lanczos")
        for f in [1, 2, 3, 4, 5, 7, 8] {
            let w = 4 * f, h = 3 * f, c = 3
            let flat = [Float](repeating: 0.25, count: w * h * c)
            let out = try Lanczos2Kernel.downsample(flat, width: w, height: h, channels: c, layout: .interleaved, factor: f)
            XCTAssertEqual(out.count, (w / f) * (h / f) * c)
            for v in out { XCTAssertEqual(v, 0.25, accuracy: 1e-5) }
            // Interleaved and planar agree.
            let planar = (0..<(w * h * c)).map { _ in rng.nextUniform() }
            var inter = [Float](repeating: 0, count: planar.count)
            for ch in 0..<c { for i in 0..<(w * h) { inter[i * c + ch] = planar[ch * w * h + i] } }
            let a = try Lanczos2Kernel.downsample(planar, width: w, height: h, channels: c, layout: .planar, factor: f)
            let b = try Lanczos2Kernel.downsample(inter, width: w, height: h, channels: c, layout: .interleaved, factor: f)
            for ch in 0..<c { for i in 0..<((w / f) * (h / f)) { XCTAssertEqual(a[ch * (w / f) * (h / f) + i], b[i * c + ch], accuracy: 1e-6) } }
            if f == 1 { XCTAssertEqual(a, planar) }
        }
        XCTAssertThrowsError(try Lanczos2Kernel.downsample([Float](repeating: 0, count: 30), width: 5, height: 6, channels: 1, layout: .planar, factor: 2))
    }

    /// Centring: downsampling a linear ramp gives the ramp's value at the footprint centre
    /// j·f + (f−1)/2 (away from the replicated borders), for even and odd factors.
    func testKernelIsCentred() throws {
        for f in [2, 3, 4, 5] {
            let w = 12 * f, h = 4 * f
            var img = [Float](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w { img[y * w + x] = Float(x) } }
            let out = try Lanczos2Kernel.downsample(img, width: w, height: h, channels: 1, layout: .planar, factor: f)
            for j in 3..<9 { XCTAssertEqual(out[w / f + j], Float(j * f) + Float(f - 1) / 2, accuracy: 1e-3, "f \(f) j \(j)") }
        }
    }

    func testPlaneAdjoint() throws {
        var rng = SeededRandom(seed: 9, stream: "adj")
        for f in [2, 3, 4] {
            let k = try Lanczos2Kernel(factor: f)
            let h = 4 * f, w = 5 * f
            let x = TestTensor(c: 1, h: h, w: w); x.fill(&rng)
            let y = TestTensor(c: 1, h: h / f, w: w / f), g = TestTensor(c: 1, h: h / f, w: w / f); g.fill(&rng)
            let tmp = FloatBuffer(count: h * w), dx = TestTensor(c: 1, h: h, w: w)
            k.forwardPlane(x.p, h: h, w: w, tmp: tmp.pointer, dst: y.p)
            k.adjointPlane(g.p, h: h, w: w, tmp: tmp.pointer, dsrc: dx.p)
            XCTAssertEqual(dot(y.p, g.p, y.count), dot(x.p, dx.p, x.count), accuracy: 1e-4)
        }
    }
}
