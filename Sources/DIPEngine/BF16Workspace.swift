/// The bf16 operands of a convolution's three products, in a workspace region after the layer's
/// fp32 column matrix: every conv path (padded rows, im2col, 1×1) keeps its fp32 layout and hands
/// its column matrix X (kRows × n per tile) and output gradient dY (m × n) to this region, which
/// rounds them and runs, over the layer's `parts` weight matrices W_t (the padded-row path: one
/// per tap, t = kx, reading X shifted by t columns; the others: one part, t = 0)
///   forward  Y (m × n)          = Σ_t W_t · X[:, t…]
///   dW       dW_t (m × kRows)  += dY · X[:, t…]ᵀ             (dot products of bf16 rows)
///   dX       C (kRows × n)      = Σ_t W_tᵀ · dY[:, …−t]       (dY after parts−1 zero columns)
/// each as one parallel product (the dX form writes every column of C once, so workers never
/// share a column).
///
/// Region layout (4-byte units), for tiles of up to S columns, P = parts − 1:
///   x        pairRows(kRows)·S     — X as pair rows (forward) or as bf16 rows (backward)
///   dy       pairRows(m)·S         — dY as bf16 rows
///   dyPairs  pairRows(m)·(S + P)   — dY as pair rows, after P zero columns
///   a        parts packed weight matrices (forward: m × kRows; backward: kRows × m)
struct BF16Workspace {
    let m: Int, kRows: Int, parts: Int
    let x: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dyPairs: UnsafeMutablePointer<Float>
    let a: UnsafeMutablePointer<Float>
    let packedStride: Int

    /// Floats of the region for tiles of up to `span` columns.
    static func floats(m: Int, kRows: Int, parts: Int, span: Int) -> Int {
        (BF16.pairRows(kRows) + BF16.pairRows(m)) * span + BF16.pairRows(m) * (span + parts - 1)
            + parts * packedStride(m: m, kRows: kRows)
    }

    private static func packedStride(m: Int, kRows: Int) -> Int {
        max(BF16.packedCount(m: m, k: kRows), BF16.packedCount(m: kRows, k: m))
    }

    init(m: Int, kRows: Int, parts: Int, span: Int, base: UnsafeMutablePointer<Float>) {
        self.m = m; self.kRows = kRows; self.parts = parts
        packedStride = BF16Workspace.packedStride(m: m, kRows: kRows)
        let xCount = BF16.pairRows(kRows) * span, dyCount = BF16.pairRows(m) * span
        x = base; dy = base + xCount; dyPairs = dy + dyCount
        a = dyPairs + BF16.pairRows(m) * (span + parts - 1)
    }

    private var packed: UnsafeMutablePointer<UInt32> { a.asPairs }

    /// Packs part t's weights for the forward product: element (i, p) of the m × kRows matrix at
    /// w[i·rs + p·cs].
    func packForward(part: Int, _ w: UnsafePointer<Float>, rs: Int, cs: Int) {
        BF16.packA(m: m, k: kRows, w, rs: rs, cs: cs, into: packed + part * packedStride)
    }

    /// Packs part t's weights transposed (kRows × m) for the input-gradient product; (rs, cs)
    /// address the m × kRows matrix as in `packForward`.
    func packBackward(part: Int, _ w: UnsafePointer<Float>, rs: Int, cs: Int) {
        BF16.packA(m: kRows, k: m, w, rs: cs, cs: rs, into: packed + part * packedStride)
    }

    /// Rounds X (kRows × span, row stride ld) to pair rows of stride span.
    func roundAsPairs(_ src: UnsafePointer<Float>, ld: Int, span: Int) {
        BF16.interleave(src, rows: kRows, n: span, ld: ld, into: x.asPairs, ldp: span)
    }

    /// Y (m × n, stride ldc) = Σ_t W_t · X[:, t ..< t + n] (X rounded by `roundAsPairs` with this
    /// `span`).
    func forward(n: Int, span: Int, y: UnsafeMutablePointer<Float>, ldc: Int) {
        BF16.gemmNN(m: m, n: n, k: kRows, parts: parts, a: packed, aStride: packedStride, b: x.asPairs, ldb: span,
                    bShift: 1, c: y, ldc: ldc, accumulate: false)
    }

    /// Rounds X (kRows × span, stride ldx; nil when the caller wrote `x` as bf16 rows itself) and
    /// dY (m × span, stride ldy) to bf16 rows, and dY to pair rows when `pairs` (the input
    /// gradient is wanted), in one parallel pass.
    func roundForBackward(x src: UnsafePointer<Float>?, ldx: Int, dy g: UnsafePointer<Float>, ldy: Int, span: Int, pairs: Bool) {
        let pairRows = pairs ? BF16.pairRows(m) : 0, lead = parts - 1, ldp = span + lead
        let x16 = x.asBF16, dy16 = dy.asBF16, dyp = dyPairs.asPairs, xRows = src == nil ? 0 : kRows
        Parallel.forEach(xRows + m + pairRows, costPerItem: span) { range in
            for item in range {
                if item < xRows, let src {
                    BF16.convertRow(src, r: item, n: span, ld: ldx, into: x16 + item * span)
                } else if item < xRows + m {
                    let r = item - xRows
                    BF16.convertRow(g, r: r, n: span, ld: ldy, into: dy16 + r * span)
                } else {
                    let q = item - xRows - m
                    (dyp + q * ldp).update(repeating: 0, count: lead)
                    BF16.interleaveRow(g, q: q, rows: m, n: span, ld: ldy, into: dyp + q * ldp + lead)
                }
            }
        }
    }

    /// dW_t (m × kRows at dW + t·tStride, row stride ldc) += dY[:, 0..<n] · X[:, t ..< t + n]ᵀ.
    func weightGradient(n: Int, span: Int, dW: UnsafeMutablePointer<Float>, ldc: Int, tStride: Int) {
        BF16.gemmNT(m: m, n: kRows, k: n, parts: parts, a: dy.asBF16, lda: span, b: x.asBF16, ldb: span, bShift: 1,
                    c: dW, ldc: ldc, cStride: tStride)
    }

    /// C (kRows × span, stride ldc) (= or, with `accumulate`, +=) Σ_t W_tᵀ · dY[:, j − t] (zero
    /// before column 0).
    func inputGradient(span: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let lead = parts - 1
        BF16.gemmNN(m: kRows, n: span, k: m, parts: parts, a: packed, aStride: packedStride,
                    b: dyPairs.asPairs + lead, ldb: span + lead, bShift: -1, c: c, ldc: ldc, accumulate: accumulate)
    }
}
