/// The bf16 products of a padded-row convolution (`RowShiftConv.swift`): the same three products
/// per tap kx as the fp32 path, with operands rounded to bf16 in a workspace region after W_kx and
/// dW_kx. Forward: stage = Σ_kx W_kx · rows[:, kx…] (rows as pair rows, so the shift by kx is a
/// column offset). Weight gradient: dW_kx += dY · rows[:, kx…]ᵀ as dot products of bf16 rows.
/// Input gradient: rows[:, kx…] (+)= W_kxᵀ · dY (dY as pair rows).
///
/// Region layout (4-byte units), sized for the largest tile span S:
///   x   pairRows(cin·k)·S — rows as pair rows (forward) or as bf16 rows (backward)
///   dy  2·pairRows(cout)·S — dY as bf16 rows, then as pair rows
///   a   k packed weight matrices (W_kx forward, W_kxᵀ backward)
struct RowShiftBF16 {
    let cout: Int, ck: Int, k: Int, kdim: Int
    let x: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dyPairs: UnsafeMutablePointer<Float>
    let a: UnsafeMutablePointer<Float>
    let packedStride: Int

    /// Floats of the region for `conv` with tiles of up to `span` columns.
    static func floats(_ conv: Conv2D, span: Int) -> Int {
        let ck = conv.cin * conv.k
        return (BF16.pairRows(ck) + 2 * BF16.pairRows(conv.cout)) * span + conv.k * packedStride(conv)
    }

    private static func packedStride(_ conv: Conv2D) -> Int {
        let ck = conv.cin * conv.k
        return max(BF16.packedCount(m: conv.cout, k: ck), BF16.packedCount(m: ck, k: conv.cout))
    }

    init(_ conv: Conv2D, span: Int, base: UnsafeMutablePointer<Float>) {
        cout = conv.cout; k = conv.k; ck = conv.cin * conv.k; kdim = conv.kdim
        packedStride = RowShiftBF16.packedStride(conv)
        let xCount = BF16.pairRows(ck) * span, dyCount = BF16.pairRows(cout) * span
        x = base; dy = base + xCount; dyPairs = dy + dyCount; a = dyPairs + dyCount
    }

    /// Packs W_kx (cout × ck, from the W_kx layout in `wk`) for the forward products.
    func packForward(_ wk: UnsafePointer<Float>) {
        for kx in 0..<k {
            BF16.packA(m: cout, k: ck, wk + kx * cout * ck, rs: ck, cs: 1, into: a.asPairs + kx * packedStride)
        }
    }

    /// Packs W_kxᵀ (ck × cout) for the input-gradient products.
    func packBackward(_ wk: UnsafePointer<Float>) {
        for kx in 0..<k {
            BF16.packA(m: ck, k: cout, wk + kx * cout * ck, rs: 1, cs: ck, into: a.asPairs + kx * packedStride)
        }
    }

    /// Rounds the tile's rows matrix (ck × span) to pair rows.
    func roundRowsAsPairs(_ rows: UnsafePointer<Float>, span: Int) {
        BF16.interleave(rows, rows: ck, n: span, ld: span, into: x.asPairs, ldp: span)
    }

    /// stage[:, 0..<span−(k−1)] = Σ_kx W_kx · rows[:, kx…].
    func forward(stage: UnsafeMutablePointer<Float>, span: Int) {
        let n = span - (k - 1)
        for kx in 0..<k {
            BF16.gemmNN(m: cout, n: n, k: ck, a: a.asPairs + kx * packedStride, b: x.asPairs + kx, ldb: span,
                        c: stage, ldc: span, accumulate: kx > 0)
        }
    }

    /// Rounds rows (as bf16 rows) and dY in `stage` (as bf16 rows, and as pair rows when the
    /// input gradient is needed).
    func roundForBackward(rows: UnsafePointer<Float>, stage: UnsafePointer<Float>, span: Int, pairs: Bool) {
        BF16.convert(rows, rows: ck, n: span, ld: span, into: x.asBF16, ldd: span)
        BF16.convert(stage, rows: cout, n: span, ld: span, into: dy.asBF16, ldd: span)
        if pairs { BF16.interleave(stage, rows: cout, n: span, ld: span, into: dyPairs.asPairs, ldp: span) }
    }

    /// dW_kx (cout × ck, in `dwk`'s W_kx layout) += dY · rows[:, kx…]ᵀ over the tile's columns.
    func weightGradient(_ dwk: UnsafeMutablePointer<Float>, span: Int) {
        let n = span - (k - 1)
        for kx in 0..<k {
            BF16.gemmNT(m: cout, n: ck, k: n, a: dy.asBF16, lda: span, b: x.asBF16 + kx, ldb: span,
                        c: dwk + kx * cout * ck, ldc: ck)
        }
    }

    /// rows[:, kx ..< kx + span−(k−1)] (kx = 0: =, else +=) W_kxᵀ · dY.
    func inputGradient(rows: UnsafeMutablePointer<Float>, kx: Int, span: Int) {
        BF16.gemmNN(m: ck, n: span - (k - 1), k: cout, a: a.asPairs + kx * packedStride, b: dyPairs.asPairs, ldb: span,
                    c: rows + kx, ldc: span, accumulate: kx > 0)
    }
}
