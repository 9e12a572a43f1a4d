@testable import DIPEngine
import Foundation
import XCTest

/// The vectorised Box–Muller of the input perturbation: its log and sin/cos against libm, and
/// the moments of the samples.
final class NoiseTests: XCTestCase {
    func testPolynomialLogAndCosSinMatchLibm() {
        var rng = SeededRandom(seed: 1, stream: "noise")
        for _ in 0..<2000 {
            var u = (0..<16).map { _ in 1 - rng.nextUniform() }, v = (0..<16).map { _ in rng.nextUniform() }
            u[0] = 1; u[1] = Float.leastNormalMagnitude * 4; v[2] = 0; v[3] = 0.999_999_9; v[4] = 0.25; v[5] = 0.5; v[6] = 0.75; v[7] = 1
            for k in 0..<16 {
                let l = GaussianNoise.log(u[k])
                let (c, s) = GaussianNoise.cosSin(v[k])
                XCTAssertEqual(Double(l), Foundation.log(Double(u[k])), accuracy: 2e-6 * max(1, abs(Foundation.log(Double(u[k])))))
                XCTAssertEqual(Double(c), cos(2 * Double.pi * Double(v[k])), accuracy: 1e-6)
                XCTAssertEqual(Double(s), sin(2 * Double.pi * Double(v[k])), accuracy: 1e-6)
            }
        }
    }

    func testSamplesAreStandardNormal() {
        var rng = SeededRandom(seed: 2, stream: "noise")
        let n = 200_003
        let zero = [Float](repeating: 0, count: n)
        var out = [Float](repeating: 0, count: n)
        let scratch = FloatBuffer(count: 2 * GaussianNoise.block)
        zero.withUnsafeBufferPointer { z in out.withUnsafeMutableBufferPointer { o in
            GaussianNoise.addNoise(z.baseAddress!, o.baseAddress!, count: n, sigma: 2, rng: &rng, scratch: scratch.pointer)
        } }
        let mean = out.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = out.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n) - mean * mean
        let within1 = Double(out.filter { abs($0) < 2 }.count) / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 4, accuracy: 0.05)
        XCTAssertEqual(within1, 0.6827, accuracy: 0.005)
        XCTAssertTrue(out.allSatisfy { $0.isFinite })
    }
}
