import Foundation

/// Sliding N×N DCT blocks, N the lane count of `Row` (a block is N rows of N floats): what
/// `DCTWiener` (denoising), `DCTInpainting` (missing pixels) and `DCTSuperResolution` share.
/// `shrink` runs a rule on the orthonormal DCT of every block (starting every `stride` pixels and
/// at the last position of each side) and puts the blocks back, each with the weight the rule
/// returns. The result does not depend on scheduling: blocks whose rows overlap are accumulated
/// in a fixed order. The sizes in use are `SlidingDCT16.blocks` and `SlidingDCT8.blocks`.
struct SlidingDCT<Row: SIMD & Sendable>: Sendable where Row.Scalar == Float {
    var blockSize: Int { Row.scalarCount }
    /// The orthonormal DCT-II matrix, C[k][n] = a_k cos(π (2n + 1) k / 2N), row k in `dct[k]`.
    let dct: [Row]
    /// Its transpose: `dctT[n][k]` = C[k][n].
    let dctT: [Row]

    init() {
        let n = Row.scalarCount
        let c: [Row] = (0..<n).map { k in
            var row = Row(repeating: 0)
            let a = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            for i in 0..<n { row[i] = Float(a * cos(Double.pi * Double((2 * i + 1) * k) / Double(2 * n))) }
            return row
        }
        dct = c
        dctT = (0..<n).map { i in
            var column = Row(repeating: 0)
            for k in 0..<n { column[k] = c[k][i] }
            return column
        }
    }

    /// Block positions along a side of `n` (≥ N) samples: every `stride`, plus the last.
    func positions(_ n: Int, stride: Int) -> [Int] {
        var p = Array(Swift.stride(from: 0, through: n - blockSize, by: stride))
        if p.last != n - blockSize { p.append(n - blockSize) }
        return p
    }

    /// Σ_blocks w·B′ / Σ_blocks w per pixel, B′ the block of `image` after `rule(&coefficients,
    /// pilotCoefficients)` (which returns w) and back; pixels no block covers keep `image`'s value.
    /// Without a pilot, `rule` sees an empty array for it. Sides must be at least N.
    func shrink(_ image: [Float], pilot: [Float]?, channels: Int, height: Int, width: Int, stride: Int,
                rule: (inout [Row], [Row]) -> Float) -> [Float] {
        let blockSize = self.blockSize
        let rows = positions(height, stride: stride), columns = positions(width, stride: stride), plane = height * width
        var numerator = [Float](repeating: 0, count: image.count), weights = [Float](repeating: 0, count: image.count)
        // Block rows are grouped into bands by their top row / N; a band's blocks touch rows
        // [Nb, Nb + 2N − 1], so bands two apart never overlap: even bands run in parallel, then odd.
        let bands = (rows.last ?? 0) / blockSize + 1
        var bandStart = [Int](repeating: rows.count, count: bands + 1)
        for (i, r) in rows.enumerated().reversed() { bandStart[r / blockSize] = i }
        for b in Swift.stride(from: bands - 1, through: 0, by: -1) where bandStart[b] > bandStart[b + 1] {
            bandStart[b] = bandStart[b + 1]
        }
        let dct = self.dct, dctT = self.dctT, pilotOrImage = pilot ?? image, hasPilot = pilot != nil
        image.withUnsafeBufferPointer { yb in pilotOrImage.withUnsafeBufferPointer { pb in
        numerator.withUnsafeMutableBufferPointer { nb in weights.withUnsafeMutableBufferPointer { wb in
            let ys = yb.baseAddress!, ps = pb.baseAddress!, num = nb.baseAddress!, den = wb.baseAddress!
            for parity in 0..<2 {
                let mine = Array(Swift.stride(from: parity, to: bands, by: 2))
                let jobs = channels * mine.count
                Parallel.forEach(jobs, costPerItem: 1 << 16) { range in
                    var by = [Row](repeating: .zero, count: blockSize)
                    var bp = hasPilot ? by : [], t = by
                    for job in range {
                        let c = job / mine.count, band = mine[job % mine.count]
                        let base = c * plane
                        for ri in bandStart[band]..<bandStart[band + 1] {
                            let top = rows[ri]
                            for left in columns {
                                let origin = base + top * width + left
                                load(ys + origin, width: width, into: &by)
                                forward(&by, scratch: &t, dct: dct, dctT: dctT)
                                if hasPilot {
                                    load(ps + origin, width: width, into: &bp)
                                    forward(&bp, scratch: &t, dct: dct, dctT: dctT)
                                }
                                let w = rule(&by, bp)
                                inverse(&by, scratch: &t, dct: dct, dctT: dctT)
                                let wv = Row(repeating: w)
                                for r in 0..<blockSize {
                                    let o = origin + r * width
                                    store(num + o, load(num + o) + wv * by[r])
                                    store(den + o, load(den + o) + wv)
                                }
                            }
                        }
                    }
                }
            }
        }}}}
        for i in 0..<numerator.count { numerator[i] = weights[i] > 0 ? numerator[i] / weights[i] : image[i] }
        return numerator
    }

    @inline(__always)
    private func load(_ p: UnsafePointer<Float>) -> Row { UnsafeRawPointer(p).loadUnaligned(as: Row.self) }
    @inline(__always)
    private func load(_ p: UnsafeMutablePointer<Float>) -> Row { load(UnsafePointer(p)) }
    @inline(__always)
    private func store(_ p: UnsafeMutablePointer<Float>, _ v: Row) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Row.self) }
    @inline(__always)
    private func load(_ p: UnsafePointer<Float>, width: Int, into rows: inout [Row]) {
        for r in 0..<Row.scalarCount { rows[r] = load(p + r * width) }
    }

    /// X = C B Cᵀ for the block whose rows are `b` (in place).
    @inline(__always)
    func forward(_ b: inout [Row], scratch t: inout [Row], dct: [Row], dctT: [Row]) {
        multiply(dct, b, into: &t)      // C B
        multiply(t, dctT, into: &b)     // (C B) Cᵀ
    }

    /// B = Cᵀ X C (in place), the inverse of `forward`.
    @inline(__always)
    func inverse(_ x: inout [Row], scratch t: inout [Row], dct: [Row], dctT: [Row]) {
        multiply(x, dct, into: &t)      // X C
        multiply(dctT, t, into: &x)     // Cᵀ (X C)
    }

    /// out = A B for N×N matrices held as their rows: out_k = Σ_i A[k][i] B_i.
    @inline(__always)
    private func multiply(_ a: [Row], _ b: [Row], into out: inout [Row]) {
        for k in 0..<Row.scalarCount {
            var acc = Row(repeating: 0)
            for i in 0..<Row.scalarCount { acc += a[k][i] * b[i] }
            out[k] = acc
        }
    }
}

/// The block sizes in use, built once.
enum SlidingDCT16 { static let blocks = SlidingDCT<SIMD16<Float>>() }
enum SlidingDCT8 { static let blocks = SlidingDCT<SIMD8<Float>>() }

/// CBM3D's orthonormal opponent colour space, where white noise of level σ stays white of level σ
/// and a pixel known in RGB is known in every opponent channel.
enum OpponentColour {
    /// Rows of the orthonormal opponent transform (CBM3D's): luma, red − blue, (red + blue)/2 − green.
    static let rows: [[Float]] = [
        [1 / 3.0.squareRoot(), 1 / 3.0.squareRoot(), 1 / 3.0.squareRoot()].map(Float.init),
        [1 / 2.0.squareRoot(), 0, -1 / 2.0.squareRoot()].map(Float.init),
        [1 / 6.0.squareRoot(), -2 / 6.0.squareRoot(), 1 / 6.0.squareRoot()].map(Float.init),
    ]

    static func toOpponent(_ x: [Float], channels: Int, plane: Int) -> [Float] {
        guard channels == 3 else { return x }
        var out = x
        for i in 0..<plane {
            let r = x[i], g = x[plane + i], b = x[2 * plane + i]
            for k in 0..<3 { out[k * plane + i] = rows[k][0] * r + rows[k][1] * g + rows[k][2] * b }
        }
        return out
    }

    static func fromOpponent(_ x: [Float], channels: Int, plane: Int) -> [Float] {
        guard channels == 3 else { return x }
        var out = x
        for i in 0..<plane {
            let a = x[i], b = x[plane + i], c = x[2 * plane + i]
            for k in 0..<3 { out[k * plane + i] = rows[0][k] * a + rows[1][k] * b + rows[2][k] * c }
        }
        return out
    }
}
