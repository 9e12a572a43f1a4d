@testable import DIPEngine
import XCTest

/// The bf16 products of every conv path (padded rows, im2col, 1×1; BF16Workspace + Sources/CBF16) against the
/// naive reference with the same bf16-rounded operands — equal up to fp32 summation order — and
/// against finite differences of the layer's own forward (within bf16 rounding: a weight moved by
/// ε rounds differently, ~2^-9 of it). Skipped on CPUs without AVX512_BF16.
final class ConvBF16Tests: XCTestCase {
    override func setUpWithError() throws {
        try BLAS.load()
        try XCTSkipUnless(BF16.available, "CPU without AVX512_BF16")
    }

    struct Case {
        let cin, cout, k: Int; var stride = 1; let padding: PaddingMode; let h, w, batch, budget: Int
        var rowShift = true
    }

    let cases: [Case] = [
        Case(cin: 3, cout: 5, k: 3, padding: .reflection, h: 9, w: 11, batch: 1, budget: 40),      // odd cin·k, 1-row tiles
        Case(cin: 4, cout: 9, k: 3, padding: .zero, h: 8, w: 8, batch: 2, budget: 1 << 20),        // cout past one 8-row sliver
        Case(cin: 2, cout: 3, k: 5, padding: .reflection, h: 8, w: 9, batch: 1, budget: 200),      // 5×5, 2-row tiles
        Case(cin: 90, cout: 7, k: 3, padding: .reflection, h: 6, w: 7, batch: 1, budget: 1 << 20), // k past one 128-pair block
        Case(cin: 6, cout: 17, k: 3, padding: .reflection, h: 12, w: 30, batch: 1, budget: 1 << 20), // columns past one 48-wide tile
        Case(cin: 3, cout: 5, k: 3, padding: .reflection, h: 9, w: 11, batch: 2, budget: 100, rowShift: false), // im2col, stride 1
        Case(cin: 4, cout: 10, k: 3, stride: 2, padding: .reflection, h: 10, w: 8, batch: 1, budget: 100),   // im2col, stride 2
        Case(cin: 5, cout: 3, k: 5, stride: 2, padding: .zero, h: 12, w: 10, batch: 2, budget: 1 << 20),
        Case(cin: 6, cout: 9, k: 1, padding: .reflection, h: 5, w: 7, batch: 2, budget: 1 << 20),          // 1×1
        Case(cin: 20, cout: 12, k: 1, padding: .zero, h: 9, w: 11, batch: 1, budget: 60),                  // 1×1, 1-row tiles
        Case(cin: 3, cout: 6, k: 1, stride: 2, padding: .zero, h: 6, w: 6, batch: 1, budget: 1 << 20),     // 1×1 stride 2
    ]

    func layer(_ c: Case) throws -> Conv2D {
        var l = try Conv2D(cin: c.cin, cout: c.cout, k: c.k, stride: c.stride, padding: c.padding, h: c.h, w: c.w,
                           offset: 3, columnBudget: c.budget)
        l.allowBF16 = true
        l.allowRowShift = c.rowShift
        l.biasMatters = true
        XCTAssertTrue(l.useBF16)
        return l
    }

    func testForwardMatchesRoundedReference() throws {
        for (index, c) in cases.enumerated() {
            let l = try layer(c)
            var rng = SeededRandom(seed: UInt64(index), stream: "bf16")
            let params = FloatBuffer(count: 3 + l.parameterCount)
            l.initialise(params.pointer, rng: &rng)
            let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); x.fill(&rng)
            let y = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo)
            let work = FloatBuffer(count: l.columnFloats)
            l.forward(x: x.view, y: y.view, params: params.pointer, cols: work.pointer)
            let ref = ReferenceConv(layer: l).forward(x: x.p, n: c.batch, params: params.pointer, round: roundedBF16)
            for i in 0..<ref.count { XCTAssertEqual(y[i], ref[i], accuracy: 2e-5 * Float(c.cin * c.k * c.k), "case \(index) element \(i)") }
        }
    }

    func testBackwardMatchesRoundedReference() throws {
        for (index, c) in cases.enumerated() {
            let l = try layer(c)
            var rng = SeededRandom(seed: UInt64(index), stream: "bf16grad")
            let params = FloatBuffer(count: 3 + l.parameterCount)
            let grads = FloatBuffer(count: 3 + l.parameterCount)
            l.initialise(params.pointer, rng: &rng)
            let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); x.fill(&rng)
            let dy = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo); dy.fill(&rng)
            let dx = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); dx.fill(&rng) // garbage to overwrite
            let work = FloatBuffer(count: l.columnFloats)
            l.backward(x: x.view, dy: dy.view, dx: dx.view, accumulate: false, params: params.pointer,
                       grads: grads.pointer, cols: work.pointer)
            let ref = ReferenceConv(layer: l).backward(x: x.p, dy: dy.p, n: c.batch, params: params.pointer, round: roundedBF16)
            let tol = 2e-5 * Float(l.ho * l.wo * c.batch + c.cout * c.k * c.k)
            for i in 0..<ref.dW.count { XCTAssertEqual(grads.pointer[3 + i], ref.dW[i], accuracy: tol, "case \(index) dW \(i)") }
            for i in 0..<ref.dx.count { XCTAssertEqual(dx[i], ref.dx[i], accuracy: tol, "case \(index) dx \(i)") }
        }
    }

    /// A folded BatchNorm's map (`affine`: per input channel y = a·x + b, applied while the
    /// padded rows are built) in both precisions: forward and backward against the reference on
    /// the mapped input.
    func testInputMapMatchesReferenceOnMappedInput() throws {
        for (index, c) in cases.enumerated() where c.stride == 1 && c.k > 1 && c.rowShift {
            for bf16 in [true, false] {
                var l = try layer(c)
                l.allowBF16 = bf16
                var rng = SeededRandom(seed: UInt64(index), stream: "affine")
                let params = FloatBuffer(count: 3 + l.parameterCount), grads = FloatBuffer(count: 3 + l.parameterCount)
                l.initialise(params.pointer, rng: &rng)
                let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); x.fill(&rng)
                let map = TestTensor(c: 2, h: 1, w: c.cin); map.fill(&rng, scale: 0.5, offset: 1)
                let mapped = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w)
                for i in 0..<x.count {
                    let ch = (i / (c.h * c.w)) % c.cin
                    mapped[i] = map[c.cin + ch].addingProduct(map[ch], x[i])
                }
                let y = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo)
                let dy = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo); dy.fill(&rng)
                let dx = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w)
                let work = FloatBuffer(count: l.columnFloats)
                l.forward(x: x.view, y: y.view, params: params.pointer, cols: work.pointer, affine: map.p)
                l.backward(x: x.view, dy: dy.view, dx: dx.view, accumulate: false, params: params.pointer,
                           grads: grads.pointer, cols: work.pointer, affine: map.p)
                let round: (Float) -> Float = bf16 ? roundedBF16 : { $0 }
                let ref = ReferenceConv(layer: l)
                let yRef = ref.forward(x: mapped.p, n: c.batch, params: params.pointer, round: round)
                let (dWRef, dxRef) = ref.backward(x: mapped.p, dy: dy.p, n: c.batch, params: params.pointer, round: round)
                let tol = 4e-5 * Float(l.ho * l.wo * c.batch + c.cin * c.k * c.k + c.cout * c.k * c.k)
                for i in 0..<yRef.count { XCTAssertEqual(y[i], yRef[i], accuracy: tol, "case \(index) bf16 \(bf16) y \(i)") }
                for i in 0..<dWRef.count { XCTAssertEqual(grads.pointer[3 + i], dWRef[i], accuracy: tol, "case \(index) bf16 \(bf16) dW \(i)") }
                for i in 0..<dxRef.count { XCTAssertEqual(dx[i], dxRef[i], accuracy: tol, "case \(index) bf16 \(bf16) dx \(i)") }
            }
        }
    }

    func testBackwardMatchesFiniteDifferences() throws {
        for (index, c) in cases.enumerated() {
            let l = try layer(c)
            var rng = SeededRandom(seed: UInt64(index), stream: "bf16fd")
            let params = FloatBuffer(count: 3 + l.parameterCount)
            let grads = FloatBuffer(count: 3 + l.parameterCount)
            l.initialise(params.pointer, rng: &rng)
            let x = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w); x.fill(&rng)
            let y = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo)
            let r = TestTensor(n: c.batch, c: c.cout, h: l.ho, w: l.wo); r.fill(&rng)
            let dx = TestTensor(n: c.batch, c: c.cin, h: c.h, w: c.w)
            let work = FloatBuffer(count: l.columnFloats)
            l.backward(x: x.view, dy: r.view, dx: dx.view, accumulate: false, params: params.pointer,
                       grads: grads.pointer, cols: work.pointer)
            let loss: () -> Double = {
                l.forward(x: x.view, y: y.view, params: params.pointer, cols: work.pointer)
                return dot(y.p, r.p, y.count)
            }
            // Scale of a gradient entry: a sum of that many products of values in ±1.
            let scale = Double(l.ho * l.wo * c.batch).squareRoot()
            for i in stride(from: 3, to: 3 + l.cout * l.kdim, by: max(1, l.cout * l.kdim / 25)) {
                let num = centralDifference(params.pointer, i, eps: 0.05, loss)
                assertClose(Double(grads.pointer[i]), num, rtol: 3e-2, atol: 1e-2 * scale, "case \(index) param \(i)")
            }
            for i in stride(from: 0, to: x.count, by: max(1, x.count / 40)) {
                let num = centralDifference(x.p, i, eps: 0.05, loss)
                assertClose(Double(dx[i]), num, rtol: 3e-2, atol: 1e-2, "case \(index) input \(i)")
            }
        }
    }
}
