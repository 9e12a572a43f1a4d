@testable import DIPEngine
import XCTest

/// The Zero-Shot Noise2Noise denoiser: its pair downsampler's adjoint, the loss gradient against
/// finite differences, determinism, and that it denoises; and the MAD noise-level estimator.
final class ZeroShotTests: XCTestCase {
    override func setUpWithError() throws { try BLAS.load() }

    /// A smooth 3-channel test image with an edge, plus seeded Gaussian noise of σ.
    func noisyImage(h: Int, w: Int, sigma: Float, seed: UInt64 = 1) -> (clean: [Float], noisy: [Float]) {
        var rng = SeededRandom(seed: seed, stream: "zs-test")
        var clean = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 { for y in 0..<h { for x in 0..<w {
            clean[(c * h + y) * w + x] = 0.3 + 0.2 * Float(c) / 2 + (x > w / 2 ? 0.25 : 0) + 0.1 * sin(Float(y) * 0.3)
        } } }
        let noisy = clean.map { $0 + sigma * Float(rng.nextGaussian()) }
        return (clean, noisy)
    }

    func testPairDownsampleAdjoint() {
        let c = 2, h = 6, w = 8
        var rng = SeededRandom(seed: 3)
        let x = TestTensor(c: c, h: h, w: w); x.fill(&rng)
        let g = TestTensor(n: 2, c: c, h: h / 2, w: w / 2); g.fill(&rng)
        let dx = TestTensor(n: 2, c: c, h: h / 2, w: w / 2), adj = TestTensor(c: c, h: h, w: w)
        ZeroShotDenoiser.pairDownsample(x.p, channels: c, h: h, w: w, into: dx.p)
        ZeroShotDenoiser.pairDownsampleAdjoint(g.p, channels: c, h: h, w: w, into: adj.p)
        XCTAssertEqual(dot(dx.p, g.p, dx.count), dot(x.p, adj.p, x.count), accuracy: 1e-5)
        // D1 of a 2×2 block [a b; c d] is (a + d)/2.
        XCTAssertEqual(dx[0], 0.5 * (x[0] + x[w + 1]), accuracy: 1e-7)
    }

    /// The loss gradient (residual + consistency terms, through all three convs) against central
    /// differences on a few parameters of every layer. The net is piecewise linear, so a small
    /// step rarely crosses a kink; 90% of sampled parameters must agree.
    func testGradientMatchesFiniteDifferences() throws {
        let (_, noisy) = noisyImage(h: 8, w: 8, sigma: 0.1)
        var options = ZeroShotDenoiser.Options(); options.features = 6; options.seed = 2
        let z = try ZeroShotDenoiser(image: noisy, channels: 3, height: 8, width: 8, options: options)
        // Random weights everywhere (the head starts at zero, which would hide the deeper layers).
        var rng = SeededRandom(seed: 9)
        for i in 0..<z.parameterCount { z.parameters.pointer[i] = (rng.nextUniform() * 2 - 1) * 0.3 }
        _ = z.evaluate()
        let analytic = Array(UnsafeBufferPointer(start: z.gradients.pointer, count: z.parameterCount))
        var agree = 0, tried = 0
        XCTAssertGreaterThan(analytic.filter { $0 != 0 }.count, z.parameterCount * 9 / 10, "most gradients should be non-zero")
        for i in stride(from: 0, to: z.parameterCount, by: 7) {
            let num = centralDifference(z.parameters.pointer, i, eps: 1e-3) { Double(z.evaluate()) }
            tried += 1
            if abs(num - Double(analytic[i])) <= 0.03 * max(abs(num), abs(Double(analytic[i]))) + 2e-5 { agree += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(agree), 0.9 * Double(tried), "\(agree) of \(tried) gradients agree")
    }

    func testDenoisesAndIsDeterministic() throws {
        let h = 32, w = 32
        let (clean, noisy) = noisyImage(h: h, w: w, sigma: 0.1)
        func run() throws -> [Float] {
            var o = ZeroShotDenoiser.Options(); o.learningRate = 0.003; o.seed = 5
            let z = try ZeroShotDenoiser(image: noisy, channels: 3, height: h, width: w, options: o)
            for _ in 0..<150 { try z.step() }
            return z.denoised()
        }
        func mse(_ a: [Float]) -> Double { zip(a, clean).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +) / Double(a.count) }
        let out = try run()
        XCTAssertLessThan(mse(out), 0.6 * mse(noisy.map { min(max($0, 0), 1) }), "did not denoise")
        XCTAssertEqual(out, try run(), "same seed, different bits")
    }

    func testStartsAtTheInput() throws {
        let (_, noisy) = noisyImage(h: 16, w: 16, sigma: 0.1)
        let z = try ZeroShotDenoiser(image: noisy, channels: 3, height: 16, width: 16)
        XCTAssertEqual(z.denoised(), noisy.map { min(max($0, 0), 1) }, "the untrained net must return its input")
    }

    func testBadSizesThrow() {
        XCTAssertThrowsError(try ZeroShotDenoiser(image: [Float](repeating: 0, count: 3 * 5 * 8), channels: 3, height: 5, width: 8))
        XCTAssertThrowsError(try ZeroShotDenoiser(image: [0], channels: 3, height: 4, width: 4))
    }

    func testNoiseLevelEstimate() {
        let (_, noisy) = noisyImage(h: 128, w: 128, sigma: 25 / 255)
        let s = NoiseLevel.sigma(noisy, channels: 3, height: 128, width: 128) * 255
        XCTAssertEqual(s, 25, accuracy: 2.5, "estimated σ \(s)")
        let (clean, _) = noisyImage(h: 128, w: 128, sigma: 0)
        XCTAssertLessThan(NoiseLevel.sigma(clean, channels: 3, height: 128, width: 128) * 255, 1)
    }

    /// A photo with dark and bright areas: the noisy image clipped to [0, 1] has less noise there,
    /// which must not pull the estimate down.
    func testNoiseLevelIgnoresClippedAreas() {
        let h = 128, w = 128
        var rng = SeededRandom(seed: 4, stream: "clipped")
        var noisy = [Float](repeating: 0, count: 3 * h * w)
        for i in 0..<noisy.count {
            let x = i % w
            let clean: Float = x < 40 ? 0.02 : (x < 80 ? 0.5 : 0.98)   // a third near black, a third near white
            noisy[i] = min(max(clean + 25 / 255 * Float(rng.nextGaussian()), 0), 1)
        }
        let s = NoiseLevel.sigma(noisy, channels: 3, height: h, width: w) * 255
        XCTAssertEqual(s, 25, accuracy: 2.5, "estimated σ \(s) on a clipped image")
    }
}
