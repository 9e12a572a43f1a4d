@testable import DIPEngine
import Foundation
import XCTest

/// The sliding-DCT Wiener filter against a naive reference (the DCT by its definition, in Double,
/// block by block), and the properties the denoiser relies on.
final class DCTWienerTests: XCTestCase {
    /// A textured colour image (a ramp, an edge and a sine) of `h` × `w` with seeded noise σ.
    func image(h: Int, w: Int, channels: Int, sigma: Float, seed: UInt64 = 1) -> (clean: [Float], noisy: [Float]) {
        var rng = SeededRandom(seed: seed, stream: "wiener-test")
        var clean = [Float](repeating: 0, count: channels * h * w)
        for c in 0..<channels { for y in 0..<h { for x in 0..<w {
            clean[(c * h + y) * w + x] = 0.2 + 0.1 * Float(c) + (x > w / 3 ? 0.3 : 0) + 0.15 * sin(Float(x + 2 * y) * 0.7)
        } } }
        return (clean, clean.map { $0 + sigma * Float(rng.nextGaussian()) })
    }

    /// The filter written from its definition: every block at the same positions, the 2-D DCT as
    /// a double sum, gains, inverse, weighted aggregation; colour through the opponent matrix.
    func reference(noisy: [Float], pilot: [Float], channels: Int, h: Int, w: Int, sigma: Double, stride: Int) -> [Float] {
        let n = DCTWiener.blockSize, plane = h * w, v = sigma * sigma
        func c(_ k: Int, _ i: Int) -> Double {
            (k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()) * cos(Double.pi * Double((2 * i + 1) * k) / Double(2 * n))
        }
        func opp(_ x: [Float], inverse: Bool) -> [Double] {
            var out = x.map(Double.init)
            guard channels == 3 else { return out }
            for i in 0..<plane {
                for k in 0..<3 {
                    var s = 0.0
                    for j in 0..<3 {
                        s += Double(inverse ? OpponentColour.rows[j][k] : OpponentColour.rows[k][j]) * Double(x[j * plane + i])
                    }
                    out[k * plane + i] = s
                }
            }
            return out
        }
        let y = opp(noisy, inverse: false), p = opp(pilot, inverse: false)
        var num = [Double](repeating: 0, count: y.count), den = num
        for ch in 0..<channels {
            for top in SlidingDCT16.blocks.positions(h, stride: stride) { for left in SlidingDCT16.blocks.positions(w, stride: stride) {
                func dct(_ x: [Double]) -> [Double] {
                    var out = [Double](repeating: 0, count: n * n)
                    for k in 0..<n { for l in 0..<n {
                        var s = 0.0
                        for a in 0..<n { for b in 0..<n { s += c(k, a) * c(l, b) * x[(ch * h + top + a) * w + left + b] } }
                        out[k * n + l] = s
                    } }
                    return out
                }
                let cy = dct(y), cp = dct(p)
                var est = [Double](repeating: 0, count: n * n), energy = 0.0
                for i in 0..<(n * n) { let g = cp[i] * cp[i] / (cp[i] * cp[i] + v); est[i] = cy[i] * g; energy += g * g }
                let weight = 1 / (v * max(energy, 1e-3))
                for a in 0..<n { for b in 0..<n {
                    var s = 0.0
                    for k in 0..<n { for l in 0..<n { s += c(k, a) * c(l, b) * est[k * n + l] } }
                    num[(ch * h + top + a) * w + left + b] += weight * s
                    den[(ch * h + top + a) * w + left + b] += weight
                } }
            } }
        }
        let out = zip(num, den).map { Float($0 / $1) }
        return opp(out, inverse: true).map(Float.init)
    }

    func testMatchesNaiveReference() {
        for (channels, h, w, stride) in [(3, 20, 23, 2), (1, 17, 16, 2), (3, 19, 18, 1)] {
            let (clean, noisy) = image(h: h, w: w, channels: channels, sigma: 0.08)
            let pilot = clean.map { $0 * 0.9 + 0.03 }
            let fast = DCTWiener.filter(noisy: noisy, pilot: pilot, channels: channels, height: h, width: w, sigma: 0.08,
                                        stride: stride)
            let slow = reference(noisy: noisy, pilot: pilot, channels: channels, h: h, w: w, sigma: 0.08, stride: stride)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThan(worst, 2e-5, "\(channels)×\(h)×\(w) stride \(stride): largest difference \(worst)")
        }
    }

    func testOpponentTransformIsOrthonormal() {
        let m = OpponentColour.rows
        for i in 0..<3 { for j in 0..<3 {
            let d = (0..<3).reduce(Float(0)) { $0 + m[i][$1] * m[j][$1] }
            XCTAssertEqual(d, i == j ? 1 : 0, accuracy: 1e-6)
        } }
        XCTAssertEqual(SlidingDCT16.blocks.positions(21, stride: 2), [0, 2, 4, 5], "every stride, plus the last position")
        XCTAssertEqual(SlidingDCT16.blocks.positions(16, stride: 2), [0])
        XCTAssertEqual(SlidingDCT16.blocks.positions(18, stride: 1), [0, 1, 2])
    }

    /// With the clean image as pilot the filter removes most of the noise; with a rough pilot (a
    /// 3×3 box blur of the noisy image) it still comes out closer to the clean image than both
    /// the input and that pilot. An image with a side under a block is returned as its pilot.
    func testDenoisesAndHandlesSmallSides() {
        let h = 40, w = 36, s: Float = 0.1
        let (clean, noisy) = image(h: h, w: w, channels: 3, sigma: s)
        func mse(_ a: [Float]) -> Double { zip(a, clean).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.count) }
        let oracle = DCTWiener.filter(noisy: noisy, pilot: clean, channels: 3, height: h, width: w, sigma: Double(s))
        XCTAssertLessThan(mse(oracle), 0.2 * mse(noisy))
        var blurred = noisy
        for c in 0..<3 { for y in 0..<h { for x in 0..<w {
            var sum: Float = 0
            for dy in -1...1 { for dx in -1...1 {
                sum += noisy[(c * h + Reflection.index(y + dy, h)) * w + Reflection.index(x + dx, w)]
            } }
            blurred[(c * h + y) * w + x] = sum / 9
        } } }
        let steered = DCTWiener.filter(noisy: noisy, pilot: blurred, channels: 3, height: h, width: w, sigma: Double(s))
        XCTAssertLessThan(mse(steered), mse(blurred))
        XCTAssertLessThan(mse(steered), 0.5 * mse(noisy))
        let tiny = image(h: 5, w: 9, channels: 1, sigma: s)
        let small = DCTWiener.filter(noisy: tiny.noisy, pilot: tiny.clean, channels: 1, height: 5, width: 9, sigma: Double(s))
        XCTAssertEqual(small, tiny.clean, "the caller mirrors images under 16 px out to a block")
    }
}
