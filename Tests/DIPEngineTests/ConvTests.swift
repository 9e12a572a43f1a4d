@testable import DIPEngine
import XCTest

/// Conv2D: the im2col + sgemm path against a naive direct convolution, and its backward against
/// finite differences. Convolutions are linear in x and W, so float central differences with
/// ε = 1e-2 are exact up to rounding. The forward pass must match the reference within 1e-4
/// absolute; the finite-difference checks allow 1e-3 relative + 1e-3 absolute, the rounding of a
/// float central difference at ε = 1e-2 over sums of a few hundred products.
final class ConvTests: XCTestCase {
    override func setUpWithError() throws { try BLAS.load() }

    struct Case { let cin, cout, k, stride: Int; let padding: PaddingMode; let h, w: Int; let batch: Int; let budget: Int }

    let cases: [Case] = [
        Case(cin: 3, cout: 5, k: 3, stride: 1, padding: .reflection, h: 9, w: 11, batch: 1, budget: 40),   // tiled: few rows per tile
        Case(cin: 3, cout: 5, k: 3, stride: 1, padding: .zero, h: 8, w: 8, batch: 2, budget: 1 << 20),
        Case(cin: 3, cout: 4, k: 3, stride: 1, padding: .reflection, h: 9, w: 11, batch: 2, budget: 351),  // 3-row tiles
        Case(cin: 2, cout: 3, k: 5, stride: 1, padding: .zero, h: 7, w: 6, batch: 1, budget: 200),          // 2-row tiles
        Case(cin: 4, cout: 3, k: 3, stride: 2, padding: .reflection, h: 10, w: 8, batch: 1, budget: 100),
        Case(cin: 2, cout: 4, k: 5, stride: 1, padding: .reflection, h: 8, w: 9, batch: 1, budget: 1 << 20),
        Case(cin: 2, cout: 3, k: 5, stride: 2, padding: .zero, h: 12, w: 10, batch: 2, budget: 120),
        Case(cin: 6, cout: 4, k: 1, stride: 1, padding: .reflection, h: 5, w: 7, batch: 2, budget: 1 << 20),   // thin path
        Case(cin: 3, cout: 7, k: 1, stride: 1, padding: .zero, h: 6, w: 5, batch: 2, budget: 1 << 20),         // GEMM path
        Case(cin: 3, cout: 2, k: 1, stride: 2, padding: .zero, h: 6, w: 6, batch: 1, budget: 1 << 20),
    ]

    /// Every case with the padded-row path (stride-1 k×k) and again with plain im2col.
    var layers: [(Int, Case, Conv2D)] {
        get throws {
            var out: [(Int, Case, Conv2D)] = []
            for (index, c) in cases.enumerated() {
                for rowShift in [true, false] {
                    var layer = try Conv2D(cin: c.cin, cout: c.cout, k: c.k, stride: c.stride, padding: c.padding, h: c.h, w: c.w,
                                           offset: 3, columnBudget: c.budget)
                    layer.allowRowShift = rowShift
                    layer.allowBF16 = false // ConvBF16Tests covers the bf16 products
                    if !rowShift && !layer.usesRowShift { continue }
                    out.append((rowShift ? index : 100 + index, c, layer))
                }
            }
            return out
        }
    }

    func testIm2colConvMatchesDirectConvolution() throws {
        for (index, c, layer) in try layers {
            var rng = SeededRandom(seed: UInt64(index), stream: "conv")
            let params = FloatBuffer(count: 3 + layer.parameterCount)
            layer.initialise(params.pointer, rng: &rng)
            let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w)
            x.fill(&rng)
            let y = TestTensor(n: c.batch, c: c.cout, h: layer.ho, w: layer.wo)
            let cols = FloatBuffer(count: layer.columnFloats)
            layer.forward(x: x.view, y: y.view, params: params.pointer, cols: cols.pointer)
            let ref = ReferenceConv(layer: layer).forward(x: x.p, n: c.batch, params: params.pointer)
            XCTAssertEqual(layer.ho, (c.h - 1) / c.stride + 1)
            for i in 0..<ref.count {
                XCTAssertEqual(y[i], ref[i], accuracy: 1e-4, "case \(index) element \(i)")
            }
        }
    }

    func testConvBackwardMatchesFiniteDifferences() throws {
        for (index, c, layer) in try layers {
            var rng = SeededRandom(seed: UInt64(index), stream: "convgrad")
            let params = FloatBuffer(count: 3 + layer.parameterCount)
            let grads = FloatBuffer(count: 3 + layer.parameterCount)
            layer.initialise(params.pointer, rng: &rng)
            let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); x.fill(&rng)
            let y = TestTensor(n: c.batch, c: c.cout, h: layer.ho, w: layer.wo)
            let r = TestTensor(n: c.batch, c: c.cout, h: layer.ho, w: layer.wo); r.fill(&rng)
            let dx = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w)
            dx.fill(&rng) // garbage: the non-accumulating backward must overwrite it
            let cols = FloatBuffer(count: layer.columnFloats)
            layer.backward(x: x.view, dy: r.view, dx: dx.view, accumulate: false,
                           params: params.pointer, grads: grads.pointer, cols: cols.pointer)
            let loss: () -> Double = {
                layer.forward(x: x.view, y: y.view, params: params.pointer, cols: cols.pointer)
                return dot(y.p, r.p, y.count)
            }
            for i in stride(from: 3, to: 3 + layer.parameterCount, by: max(1, layer.parameterCount / 25)) {
                let num = centralDifference(params.pointer, i, eps: 1e-2, loss)
                assertClose(Double(grads.pointer[i]), num, rtol: 1e-3, atol: 1e-3, "case \(index) param \(i)")
            }
            for i in stride(from: 0, to: x.count, by: max(1, x.count / 40)) {
                let num = centralDifference(x.p, i, eps: 1e-2, loss)
                assertClose(Double(dx[i]), num, rtol: 1e-3, atol: 1e-3, "case \(index) input \(i)")
            }
            // Accumulation: a second backward with accumulate adds the same dx again.
            let first = dx.values()
            grads.zero()
            layer.backward(x: x.view, dy: r.view, dx: dx.view, accumulate: true,
                           params: params.pointer, grads: grads.pointer, cols: cols.pointer)
            for i in 0..<x.count { XCTAssertEqual(dx[i], 2 * first[i], accuracy: 1e-4 + 1e-4 * abs(first[i])) }
        }
    }

    func testReflectionTooSmallThrows() {
        XCTAssertThrowsError(try Conv2D(cin: 1, cout: 1, k: 5, stride: 1, padding: .reflection, h: 2, w: 8, offset: 0))
        XCTAssertThrowsError(try Conv2D(cin: 1, cout: 1, k: 4, stride: 1, padding: .zero, h: 8, w: 8, offset: 0))
        XCTAssertThrowsError(try Conv2D(cin: 1, cout: 1, k: 3, stride: 3, padding: .zero, h: 8, w: 8, offset: 0))
    }
}
