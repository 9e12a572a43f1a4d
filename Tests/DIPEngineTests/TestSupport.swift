@testable import DIPEngine
import XCTest

/// Owned float storage for tests (arrays whose pointers stay valid while the object lives).
final class TestTensor {
    let n: Int, c: Int, h: Int, w: Int
    let buffer: FloatBuffer
    init(n: Int = 1, c: Int, h: Int, w: Int) {
        self.n = n; self.c = c; self.h = h; self.w = w
        buffer = FloatBuffer(count: n * c * h * w)
    }
    var count: Int { n * c * h * w }
    var p: UnsafeMutablePointer<Float> { buffer.pointer }
    var view: TensorView { TensorView(base: p, n: n, c: c, h: h, w: w) }
    subscript(i: Int) -> Float { get { p[i] } set { p[i] = newValue } }
    func fill(_ rng: inout SeededRandom, scale: Float = 1, offset: Float = 0) {
        for i in 0..<count { p[i] = (rng.nextUniform() * 2 - 1) * scale + offset }
    }
    func values() -> [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
}

/// Σ r·y in Double: the scalar whose gradient with respect to y is r.
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n { s += Double(a[i]) * Double(b[i]) }
    return s
}

/// Central finite difference of `f` with respect to `p[i]` (step `eps`), restoring p[i].
func centralDifference(_ p: UnsafeMutablePointer<Float>, _ i: Int, eps: Float, _ f: () -> Double) -> Double {
    let old = p[i]
    p[i] = old + eps
    let up = f()
    p[i] = old - eps
    let down = f()
    p[i] = old
    return (up - down) / (2 * Double(eps))
}

/// Asserts |a − b| ≤ atol + rtol·max(|a|, |b|).
func assertClose(_ a: Double, _ b: Double, rtol: Double, atol: Double, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    let tol = atol + rtol * max(abs(a), abs(b))
    XCTAssertLessThanOrEqual(abs(a - b), tol, "\(what): analytic \(a) vs numeric \(b)", file: file, line: line)
}
