import CBF16

/// Stride-1 k×k convolutions without the full im2col: the column matrix of a row tile only holds
/// one horizontally padded input row per (channel, ky) — k times fewer floats than im2col's
/// (channel, ky, kx) rows — and the kx taps become k GEMMs that read it shifted by kx columns.
///
/// Layout: with Wp = w + 2·pad, row r = c·k + ky of `rows` holds, for each output row oy of the
/// tile, the padded input row oy + ky − pad (Wp floats, padding applied). Output column
/// j = (oy − oy0)·Wp + ox then needs rows[r][j + kx] for tap kx, so
///   Y_stage (cout × R·Wp) = Σ_kx W_kx (cout × cin·k) · rows[:, kx ..< kx + N],  N = R·Wp − (k−1),
/// where columns ox ≥ w of each row are junk and dropped when copying the stage to y. Backward
/// uses the same shifted views with junk columns of dY set to zero. W_kx[co][c·k + ky] =
/// W[co][c][ky][kx] is re-laid out per call (tiny next to the GEMMs).
extension Conv2D {
    var usesRowShift: Bool { stride == 1 && k > 1 }
    var paddedWidth: Int { w + 2 * pad }
    /// Row tile for this path.
    var rowShiftRows: Int { max(1, min(ho, rowShiftBudget / max(1, cin * k * paddedWidth))) }
    var rowShiftBudget: Int { columnBudgetUsed }

    /// Workspace floats: rows (cin·k × R·Wp), stage (cout × R·Wp), W_kx and dW_kx (cout·kdim each),
    /// and with bf16 products the rounded operands (`BF16Workspace`, one part per tap kx).
    var rowShiftFloats: Int {
        let span = rowShiftRows * paddedWidth
        return cin * k * span + cout * span + 2 * cout * kdim + (useBF16 ? BF16Workspace.floats(m: cout, kRows: cin * k, parts: k, span: span) : 0)
    }

    private func layoutWeights(_ wt: UnsafePointer<Float>, into wk: UnsafeMutablePointer<Float>) {
        let ck = cin * k, kk = k * k
        Parallel.forEach(cout, costPerItem: cin * kk) { range in
            for kx in 0..<k {
                let dst = wk + kx * cout * ck
                for co in range {
                    for c in 0..<cin {
                        for ky in 0..<k {
                            dst[co * ck + c * k + ky] = wt[co * cin * kk + c * kk + ky * k + kx]
                        }
                    }
                }
            }
        }
    }

    /// Row r's channel affine map (scale, shift) from `affine` (a folded BatchNorm: cin scales
    /// then cin shifts), or the identity.
    @inline(__always)
    private func affineOf(_ affine: UnsafePointer<Float>?, row r: Int) -> (Float, Float) {
        guard let affine else { return (1, 0) }
        return (affine[r / k], affine[cin + r / k])
    }

    /// Fills the padded-row matrix for output rows [oy0, oy1) of one image (each input channel
    /// mapped by `affine` when given).
    private func buildRows(_ src: UnsafePointer<Float>, oy0: Int, oy1: Int, rows: UnsafeMutablePointer<Float>,
                           affine: UnsafePointer<Float>?) {
        let wp = paddedWidth, span = (oy1 - oy0) * wp, p = pad, w = self.w, h = self.h
        Parallel.forEach(cin * k, costPerItem: span) { range in
            for r in range {
                let c = r / k, ky = r % k
                let plane = src + c * h * w
                for oy in oy0..<oy1 {
                    let dst = rows + r * span + (oy - oy0) * wp
                    let iy = padding.sourceIndex(oy + ky - p, h)
                    if iy < 0 { dst.update(repeating: 0, count: wp); continue }
                    let s = plane + iy * w
                    let (scale, shift) = affineOf(affine, row: r)
                    if affine == nil {
                        (dst + p).update(from: s, count: w)
                    } else {
                        for x in 0..<w { dst[p + x] = scale * s[x] + shift }
                    }
                    for j in 0..<p {
                        let a = padding.sourceIndex(j - p, w), b = padding.sourceIndex(w + j, w)
                        dst[j] = a < 0 ? 0 : scale * s[a] + shift
                        dst[p + w + j] = b < 0 ? 0 : scale * s[b] + shift
                    }
                }
            }
        }
    }

    /// Input row of padded-row matrix row r = c·k + ky for output row oy; nil for a zero row.
    @inline(__always)
    private func sourceRow(_ src: UnsafePointer<Float>, r: Int, oy: Int) -> UnsafePointer<Float>? {
        let iy = padding.sourceIndex(oy + r % k - pad, h)
        return iy < 0 ? nil : src + (r / k) * h * w + iy * w
    }

    /// The bf16 path's forward operand: the padded-row matrix of output rows [oy0, oy1) rounded
    /// straight from the input to pair rows (no fp32 matrix in between).
    private func buildPairRows(_ src: UnsafePointer<Float>, oy0: Int, oy1: Int, into pairs: UnsafeMutablePointer<UInt32>,
                               affine: UnsafePointer<Float>?) {
        let wp = paddedWidth, span = (oy1 - oy0) * wp, ck = cin * k, reflect: Int32 = padding == .reflection ? 1 : 0
        Parallel.forEach(BF16.pairRows(ck), costPerItem: 2 * span) { range in
            for q in range {
                for oy in oy0..<oy1 {
                    let lo = sourceRow(src, r: 2 * q, oy: oy), hi = 2 * q + 1 < ck ? sourceRow(src, r: 2 * q + 1, oy: oy) : nil
                    let (al, bl) = affineOf(affine, row: 2 * q), (ah, bh) = 2 * q + 1 < ck ? affineOf(affine, row: 2 * q + 1) : (1, 0)
                    dip_bf16_interleave_padded(lo, hi, w, Int32(pad), reflect, al, bl, ah, bh, pairs + q * span + (oy - oy0) * wp)
                }
            }
        }
    }

    /// The bf16 path's weight-gradient operand: the padded-row matrix as bf16 rows.
    private func buildBF16Rows(_ src: UnsafePointer<Float>, oy0: Int, oy1: Int, into rows: UnsafeMutablePointer<UInt16>,
                               affine: UnsafePointer<Float>?) {
        let wp = paddedWidth, span = (oy1 - oy0) * wp, reflect: Int32 = padding == .reflection ? 1 : 0
        Parallel.forEach(cin * k, costPerItem: span) { range in
            for r in range {
                for oy in oy0..<oy1 {
                    let (scale, shift) = affineOf(affine, row: r)
                    dip_bf16_convert_padded(sourceRow(src, r: r, oy: oy), w, Int32(pad), reflect, scale, shift,
                                            rows + r * span + (oy - oy0) * wp)
                }
            }
        }
    }

    /// Adds the padded-row gradient matrix back into one image's input gradient.
    private func scatterRows(_ rows: UnsafePointer<Float>, oy0: Int, oy1: Int, dst: UnsafeMutablePointer<Float>) {
        let wp = paddedWidth, span = (oy1 - oy0) * wp, p = pad, w = self.w, h = self.h, k = self.k
        Parallel.forEach(cin, costPerItem: k * span) { range in
            for c in range {
                let plane = dst + c * h * w
                for ky in 0..<k {
                    let row = rows + (c * k + ky) * span
                    for oy in oy0..<oy1 {
                        let iy = padding.sourceIndex(oy + ky - p, h)
                        if iy < 0 { continue }
                        let s = row + (oy - oy0) * wp
                        let d = plane + iy * w
                        let sp = s + p
                        for x in 0..<w { d[x] += sp[x] }
                        for j in 0..<p {
                            let a = padding.sourceIndex(j - p, w), b = padding.sourceIndex(w + j, w)
                            if a >= 0 { d[a] += s[j] }
                            if b >= 0 { d[b] += s[p + w + j] }
                        }
                    }
                }
            }
        }
    }

    func rowShiftForward(x: TensorView, y: TensorView, params: UnsafeMutablePointer<Float>,
                         work: UnsafeMutablePointer<Float>, affine: UnsafePointer<Float>?, profiler: Profiler?) {
        let wp = paddedWidth, tileRows = rowShiftRows, ck = cin * k
        let rows = work, stage = work + ck * tileRows * wp, wk = stage + cout * tileRows * wp
        layoutWeights(params + weightOffset, into: wk)
        let bf = useBF16 ? BF16Workspace(m: cout, kRows: ck, parts: k, span: tileRows * wp, base: wk + 2 * cout * kdim) : nil
        for kx in 0..<k { bf?.packForward(part: kx, wk + kx * cout * ck, rs: ck, cs: 1) }
        let outPlane = ho * wo, bias = params + biasOffset
        for n in 0..<x.n {
            let src = x.image(n), dst = y.image(n)
            var oy0 = 0
            while oy0 < ho {
                let oy1 = min(ho, oy0 + tileRows)
                let span = (oy1 - oy0) * wp, nCols = span - (k - 1)
                profiler.measure(.convIm2col) {
                    if let bf {
                        buildPairRows(src, oy0: oy0, oy1: oy1, into: bf.x.asPairs, affine: affine)
                    } else {
                        buildRows(src, oy0: oy0, oy1: oy1, rows: rows, affine: affine)
                    }
                }
                profiler.measure(.convGEMM) {
                    if let bf { bf.forward(n: nCols, span: span, y: stage, ldc: span); return }
                    for kx in 0..<k {
                        BLAS.sgemm(transA: false, transB: false, m: cout, n: nCols, k: ck, a: wk + kx * cout * ck, lda: ck,
                                   b: rows + kx, ldb: span, beta: kx == 0 ? 0 : 1, c: stage, ldc: span)
                    }
                }
                profiler.measure(.convBias) {
                    let addBias = biasMatters
                    Parallel.forEach(cout, costPerItem: span) { range in
                        for co in range {
                            let b = addBias ? bias[co] : 0
                            for oy in oy0..<oy1 {
                                let s = stage + co * span + (oy - oy0) * wp, d = dst + co * outPlane + oy * wo
                                for ox in 0..<wo { d[ox] = s[ox] + b }
                            }
                        }
                    }
                }
                oy0 = oy1
            }
        }
    }

    func rowShiftBackward(x: TensorView, dy: TensorView, dx: TensorView?, accumulate: Bool,
                          params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>,
                          work: UnsafeMutablePointer<Float>, affine: UnsafePointer<Float>?, profiler: Profiler?) {
        let wp = paddedWidth, tileRows = rowShiftRows, ck = cin * k, kk = k * k
        let rows = work, stage = work + ck * tileRows * wp, wk = stage + cout * tileRows * wp, dwk = wk + cout * kdim
        layoutWeights(params + weightOffset, into: wk)
        Parallel.forEach(cout, costPerItem: kdim) { range in
            (dwk + range.lowerBound * kdim).update(repeating: 0, count: range.count * kdim)
        }
        let bf = useBF16 ? BF16Workspace(m: cout, kRows: ck, parts: k, span: tileRows * wp, base: dwk + cout * kdim) : nil
        if dx != nil { for kx in 0..<k { bf?.packBackward(part: kx, wk + kx * cout * ck, rs: ck, cs: 1) } }
        let outPlane = ho * wo
        let dW = grads + weightOffset, db = grads + biasOffset
        for n in 0..<x.n {
            let src = x.image(n), g = dy.image(n)
            if biasMatters {
                profiler.measure(.convBias) {
                    Parallel.forEach(cout, costPerItem: outPlane) { range in
                        for co in range { db[co] += Float(Kernels.longSum(g + co * outPlane, outPlane)) }
                    }
                }
            }
            if let dx, !accumulate {
                let d = dx.image(n)
                profiler.measure(.convCol2im) {
                    Parallel.forEach(cin, costPerItem: h * w) { range in
                        (d + range.lowerBound * h * w).update(repeating: 0, count: range.count * h * w)
                    }
                }
            }
            var oy0 = 0
            while oy0 < ho {
                let oy1 = min(ho, oy0 + tileRows)
                let span = (oy1 - oy0) * wp, nCols = span - (k - 1)
                profiler.measure(.convIm2col) {
                    if let bf {
                        buildBF16Rows(src, oy0: oy0, oy1: oy1, into: bf.x.asBF16, affine: affine)
                    } else {
                        buildRows(src, oy0: oy0, oy1: oy1, rows: rows, affine: affine)
                    }
                    // dY in the padded-row layout, junk columns zero.
                    Parallel.forEach(cout, costPerItem: span) { range in
                        for co in range {
                            for oy in oy0..<oy1 {
                                let s = g + co * outPlane + oy * wo, d = stage + co * span + (oy - oy0) * wp
                                for ox in 0..<wo { d[ox] = s[ox] }
                                for ox in wo..<wp { d[ox] = 0 }
                            }
                        }
                    }
                    bf?.roundForBackward(x: nil, ldx: span, dy: stage, ldy: span, span: span, pairs: dx != nil)
                }
                profiler.measure(.convGEMM) {
                    if let bf { bf.weightGradient(n: nCols, span: span, dW: dwk, ldc: ck, tStride: cout * ck); return }
                    for kx in 0..<k {
                        BLAS.sgemm(transA: false, transB: true, m: cout, n: ck, k: nCols, a: stage, lda: span,
                                   b: rows + kx, ldb: span, beta: 1, c: dwk + kx * cout * ck, ldc: ck)
                    }
                }
                if let dx {
                    profiler.measure(.convGEMM) {
                        if let bf { bf.inputGradient(span: span, c: rows, ldc: span, accumulate: false); return }
                        for kx in 0..<k {
                            BLAS.sgemm(transA: true, transB: false, m: ck, n: nCols, k: cout, a: wk + kx * cout * ck, lda: ck,
                                       b: stage, ldb: span, beta: kx == 0 ? 0 : 1, c: rows + kx, ldc: span)
                            if kx == 0 {
                                // Columns the kx = 0 product does not cover (the last k−1 of each row).
                                for r in 0..<ck { (rows + r * span + nCols).update(repeating: 0, count: k - 1) }
                            }
                        }
                    }
                    profiler.measure(.convCol2im) { scatterRows(rows, oy0: oy0, oy1: oy1, dst: dx.image(n)) }
                }
                oy0 = oy1
            }
        }
        // dW[co][c][ky][kx] += dW_kx[co][c·k + ky]
        Parallel.forEach(cout, costPerItem: cin * kk) { range in
            for kx in 0..<k {
                let s = dwk + kx * cout * ck
                for co in range {
                    for c in 0..<cin {
                        for ky in 0..<k { dW[co * cin * kk + c * kk + ky * k + kx] += s[co * ck + c * k + ky] }
                    }
                }
            }
        }
    }
}
