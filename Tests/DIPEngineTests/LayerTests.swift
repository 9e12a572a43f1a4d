@testable import DIPEngine
import XCTest

/// BatchNorm (+LReLU), LeakyReLU, sigmoid, upsampling and the loss terms against finite
/// differences (float, ε = 1e-3 on O(1) inputs; tolerance 2e-2 relative + 2e-3 absolute, which
/// covers float rounding in the loss divided by 2ε) or, for linear maps, the exact adjoint identity
/// ⟨A x, y⟩ = ⟨x, Aᵀ y⟩.
final class LayerTests: XCTestCase {
    func testBatchNormBackwardMatchesFiniteDifferences() {
        for (slope, batch) in [(Float(1), 1), (Float(0.2), 2), (Float(0.2), 1)] {
            var rng = SeededRandom(seed: 7, stream: "bn\(slope)\(batch)")
            let c = 3, h = 5, w = 6
            let bn = BatchNorm(c: c, slope: slope, offset: 1)
            let params = FloatBuffer(count: 1 + 2 * c), grads = FloatBuffer(count: 1 + 2 * c)
            for i in 0..<c { params.pointer[1 + i] = 0.5 + rng.nextUniform(); params.pointer[1 + c + i] = rng.nextUniform() - 0.5 }
            let stats = FloatBuffer(count: 2 * c)
            let x = TestTensor(n: batch, c: c, h: h, w: w); x.fill(&rng, scale: 2, offset: 0.3)
            let y = TestTensor(n: batch, c: c, h: h, w: w)
            let r = TestTensor(n: batch, c: c, h: h, w: w); r.fill(&rng)
            let dx = TestTensor(n: batch, c: c, h: h, w: w)
            bn.forward(x: x.view, y: y.view, params: params.pointer, stats: stats.pointer)
            // Output statistics: per channel mean ≈ β and variance ≈ γ² (before the activation).
            if slope == 1 {
                for ch in 0..<c {
                    var s = 0.0, q = 0.0
                    for n in 0..<batch { for i in 0..<(h * w) { let v = Double(y.view.channel(n, ch)[i]); s += v; q += v * v } }
                    let cnt = Double(batch * h * w)
                    XCTAssertEqual(s / cnt, Double(params.pointer[1 + c + ch]), accuracy: 1e-4)
                    XCTAssertEqual(q / cnt - (s / cnt) * (s / cnt), Double(params.pointer[1 + ch] * params.pointer[1 + ch]), accuracy: 1e-3)
                }
            }
            bn.backward(x: x.view, dy: r.view, dx: dx.view, accumulate: false, params: params.pointer,
                        grads: grads.pointer, stats: stats.pointer)
            let loss: () -> Double = {
                bn.forward(x: x.view, y: y.view, params: params.pointer, stats: stats.pointer)
                return dot(y.p, r.p, y.count)
            }
            for i in 1..<(1 + 2 * c) {
                assertClose(Double(grads.pointer[i]), centralDifference(params.pointer, i, eps: 1e-3, loss),
                            rtol: 2e-2, atol: 2e-3, "slope \(slope) param \(i)")
            }
            for i in 0..<x.count {
                assertClose(Double(dx[i]), centralDifference(x.p, i, eps: 1e-3, loss),
                            rtol: 2e-2, atol: 2e-3, "slope \(slope) batch \(batch) x[\(i)]")
            }
        }
    }

    func testLeakyReLUAndSigmoidBackward() {
        var rng = SeededRandom(seed: 3, stream: "act")
        let x = TestTensor(c: 2, h: 4, w: 5); x.fill(&rng, scale: 3)
        for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] = 0.5 } // keep away from the kink
        let y = TestTensor(c: 2, h: 4, w: 5), r = TestTensor(c: 2, h: 4, w: 5), dx = TestTensor(c: 2, h: 4, w: 5)
        r.fill(&rng)
        Activations.leakyReLUForward(x.p, y.p, count: x.count)
        for i in 0..<x.count { XCTAssertEqual(y[i], x[i] > 0 ? x[i] : 0.2 * x[i]) }
        Activations.leakyReLUBackward(x.p, r.p, dx.p, count: x.count, accumulate: false)
        var loss: () -> Double = { Activations.leakyReLUForward(x.p, y.p, count: x.count); return dot(y.p, r.p, y.count) }
        for i in 0..<x.count { assertClose(Double(dx[i]), centralDifference(x.p, i, eps: 1e-3, loss), rtol: 1e-2, atol: 1e-3, "lrelu \(i)") }

        Activations.sigmoidForward(x.view, y.view)
        Activations.sigmoidBackward(y.view, r.view, dx.view, accumulate: false)
        loss = { Activations.sigmoidForward(x.view, y.view); return dot(y.p, r.p, y.count) }
        for i in 0..<x.count { assertClose(Double(dx[i]), centralDifference(x.p, i, eps: 1e-3, loss), rtol: 2e-2, atol: 1e-3, "sigmoid \(i)") }
    }

    /// PyTorch's bilinear ×2, align_corners=False, written out from its definition.
    func referenceBilinear(_ x: TestTensor, _ c: Int, _ oy: Int, _ ox: Int) -> Float {
        func coord(_ o: Int, _ n: Int) -> (Int, Int, Float) {
            let s = max(0, (Float(o) + 0.5) / 2 - 0.5)
            let i0 = Int(s.rounded(.down)), i1 = min(i0 + 1, n - 1)
            return (i0, i1, s - Float(i0))
        }
        let (y0, y1, ly) = coord(oy, x.h), (x0, x1, lx) = coord(ox, x.w)
        func at(_ y: Int, _ xx: Int) -> Float { x[(c * x.h + y) * x.w + xx] }
        return (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1))
    }

    func testUpsampleForwardAndAdjoint() {
        var rng = SeededRandom(seed: 5, stream: "up")
        for mode in [UpsampleMode.nearest, .bilinear] {
            let x = TestTensor(n: 2, c: 3, h: 4, w: 5); x.fill(&rng)
            // Output lives in a wider (concat-like) buffer to exercise strided views.
            let big = TestTensor(n: 2, c: 5, h: 8, w: 10)
            let yv = big.view.slice(channels: 1, count: 3)
            let up = Upsample2x(mode: mode)
            up.forward(x: x.view, y: yv)
            for n in 0..<2 {
                for c in 0..<3 {
                    for oy in 0..<8 {
                        for ox in 0..<10 {
                            let got = yv.channel(n, c)[oy * 10 + ox]
                            let xs = TestTensor(c: 3, h: 4, w: 5)
                            xs.p.update(from: x.view.image(n), count: 60)
                            let want = mode == .nearest ? x[((n * 3 + c) * 4 + oy / 2) * 5 + ox / 2] : referenceBilinear(xs, c, oy, ox)
                            XCTAssertEqual(got, want, accuracy: 1e-6, "\(mode) n\(n) c\(c) (\(ox),\(oy))")
                        }
                    }
                }
            }
            let g = TestTensor(n: 2, c: 5, h: 8, w: 10); g.fill(&rng)
            let gv = g.view.slice(channels: 1, count: 3)
            let dx = TestTensor(n: 2, c: 3, h: 4, w: 5)
            dx.fill(&rng) // must be overwritten
            let scratch = FloatBuffer(count: Upsample2x.scratchFloats(n: 2, c: 3, w: 5))
            up.backward(dy: gv, dx: dx.view, accumulate: false, scratch: scratch.pointer)
            var lhs = 0.0
            for n in 0..<2 { for c in 0..<3 { for i in 0..<80 { lhs += Double(yv.channel(n, c)[i]) * Double(gv.channel(n, c)[i]) } } }
            let rhs = dot(x.p, dx.p, x.count)
            XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * max(1, abs(lhs)), "\(mode) adjoint")
            // And directly against central differences of ⟨up(x), g⟩.
            let loss: () -> Double = {
                up.forward(x: x.view, y: yv)
                var s = 0.0
                for n in 0..<2 { for c in 0..<3 { for i in 0..<80 { s += Double(yv.channel(n, c)[i]) * Double(gv.channel(n, c)[i]) } } }
                return s
            }
            for i in 0..<x.count {
                assertClose(Double(dx[i]), centralDifference(x.p, i, eps: 1e-2, loss), rtol: 1e-3, atol: 1e-4, "\(mode) x[\(i)]")
            }
            // Accumulating adds the same gradient again.
            let first = dx.values()
            up.backward(dy: gv, dx: dx.view, accumulate: true, scratch: scratch.pointer)
            for i in 0..<x.count { XCTAssertEqual(dx[i], 2 * first[i], accuracy: 1e-5) }
            // 1-pixel-wide/high inputs (the deepest level of a small net).
            let tiny = TestTensor(c: 1, h: 1, w: 1); tiny[0] = 0.3
            let tinyOut = TestTensor(c: 1, h: 2, w: 2)
            up.forward(x: tiny.view, y: tinyOut.view)
            for i in 0..<4 { XCTAssertEqual(tinyOut[i], 0.3, accuracy: 1e-7) }
            tinyOut.fill(&rng)
            up.backward(dy: tinyOut.view, dx: tiny.view, accumulate: false, scratch: scratch.pointer)
            XCTAssertEqual(Double(tiny[0]), tinyOut.values().reduce(0.0) { $0 + Double($1) }, accuracy: 1e-6)
        }
    }

    func testLossGradients() throws {
        var rng = SeededRandom(seed: 11, stream: "loss")
        let c = 2, h = 8, w = 8
        let target = (0..<(c * h * w)).map { _ in rng.nextUniform() }
        let mask = (0..<(h * w)).map { _ in Float(rng.next() & 1) }
        let lr = (0..<(c * 2 * 2)).map { _ in rng.nextUniform() }
        for term in [DataTerm.mse(target: target), .maskedMSE(target: target, mask: mask),
                     .downsampledMSE(target: lr, factor: 4)] {
            let ev = try LossEvaluator(term: term, channels: c, h: h, w: w)
            let out = TestTensor(c: c, h: h, w: w); out.fill(&rng, scale: 0.5, offset: 0.5)
            let grad = TestTensor(c: c, h: h, w: w)
            _ = ev.evaluate(out: out.p, grad: grad.p)
            let scratch = TestTensor(c: c, h: h, w: w)
            for i in 0..<out.count {
                let num = centralDifference(out.p, i, eps: 1e-2) { Double(ev.evaluate(out: out.p, grad: scratch.p)) }
                assertClose(Double(grad[i]), num, rtol: 2e-2, atol: 2e-5, "\(term) out[\(i)]")
            }
        }
        // Plain MSE value.
        let ev = try LossEvaluator(term: .mse(target: target), channels: c, h: h, w: w)
        let out = TestTensor(c: c, h: h, w: w), grad = TestTensor(c: c, h: h, w: w)
        let l = ev.evaluate(out: out.p, grad: grad.p)
        let want = target.reduce(0.0) { $0 + Double($1 * $1) } / Double(target.count)
        XCTAssertEqual(Double(l), want, accuracy: 1e-6)
        XCTAssertThrowsError(try LossEvaluator(term: .mse(target: [1, 2]), channels: c, h: h, w: w))
        XCTAssertThrowsError(try LossEvaluator(term: .maskedMSE(target: target, mask: [1]), channels: c, h: h, w: w))
        XCTAssertThrowsError(try LossEvaluator(term: .downsampledMSE(target: lr, factor: 3), channels: c, h: h, w: w))
    }
}
