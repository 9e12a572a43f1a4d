import Glibc

/// How "same" convolutions pad their input.
public enum PaddingMode: Sendable, Equatable {
    /// Zeros outside the image.
    case zero
    /// Mirror without repeating the edge sample (PyTorch's ReflectionPad2d): -1 → 1, W → W−2.
    case reflection
}

/// A 2-D convolution layer (k×k, k odd, stride 1 or 2, "same" padding (k−1)/2, bias) on NCHW
/// tensors, computed as column matrix + GEMM: bf16 products with fp32 sums (`BF16Workspace`,
/// Sources/CBF16) on CPUs with AVX512_BF16, else OpenBLAS sgemm. Three paths, chosen at plan time:
/// - stride-1 k×k (k > 1): the padded-row matrix of `RowShiftConv.swift` (k× smaller than im2col;
///   the kx taps are k GEMMs on shifted views);
/// - stride 2: classic im2col (rows (c, ky, kx));
/// - 1×1 stride 1: no column matrix at all (one GEMM on the input), or for ≤ 4 output channels the
///   hand-written loops of `ThinPointwise.swift`.
/// Column matrices are tiled over output rows so the workspace stays under `Conv2D.columnBudget`
/// floats while GEMMs keep thousands of columns. Padding indices are computed only at the image
/// borders (interiors are straight copies), so no index tables are needed.
/// Weights are [cout][cin][k][k] (PyTorch's order) at `weightOffset` in the parameter buffer,
/// followed by `cout` biases at `biasOffset`; gradients live at the same offsets in the gradient
/// buffer and are accumulated (+=), so the caller zeroes them once per step.
struct Conv2D {
    let cin: Int, cout: Int, k: Int, stride: Int
    let padding: PaddingMode
    let h: Int, w: Int, ho: Int, wo: Int
    let weightOffset: Int, biasOffset: Int
    /// Output rows per im2col tile.
    let rowsPerTile: Int
    /// Rows of the column matrix (cin·k·k).
    var kdim: Int { cin * k * k }
    var pad: Int { (k - 1) / 2 }
    var isPointwise: Bool { k == 1 && stride == 1 }
    var parameterCount: Int { cout * kdim + cout }
    /// Floats the shared column workspace must hold for this layer.
    var columnFloats: Int {
        if useRowShift { return rowShiftFloats }
        let bf16 = useBF16 ? BF16Workspace.floats(m: cout, kRows: kdim, parts: 1, span: rowsPerTile * wo) : 0
        return (isPointwise ? 0 : kdim * rowsPerTile * wo) + bf16
    }
    /// The budget this layer was planned with.
    let columnBudgetUsed: Int
    /// Whether stride-1 k×k convs use the padded-row path (`RowShiftConv.swift`) instead of im2col.
    /// (Measured ~5–8% faster per step on the paper's denoising net; DIP_CONV_IM2COL=1 disables it.)
    var useRowShift: Bool { usesRowShift && allowRowShift }
    var allowRowShift = Conv2D.rowShiftEnabled
    static let rowShiftEnabled: Bool = getenv("DIP_CONV_IM2COL") == nil
    /// Whether the products run in bf16 (`BF16`, `BF16Workspace`; every path but the thin 1×1
    /// loops): on CPUs with AVX512_BF16 unless DIP_PRECISION=fp32. Tests set `allowBF16` per layer.
    var useBF16: Bool { allowBF16 && BF16.available && !isThin }
    var allowBF16 = BF16.enabledByDefault
    /// Multiply-accumulates of one forward pass for one image.
    var macs: Int { cout * kdim * ho * wo }

    /// Column-buffer budget in floats (4 MB: a tile stays in L2/L3 between im2col and the GEMM
    /// that reads it; measured on the 512² level-0 up conv, larger tiles were slower).
    /// DIP_COLUMN_BUDGET (floats, 65536...268435456) overrides it, for tuning on other machines.
    static let columnBudget: Int = {
        if let v = getenv("DIP_COLUMN_BUDGET"), let n = Int(String(cString: v)), n >= 1 << 16, n <= 1 << 28 { return n }
        return 1 << 20
    }()
    /// False when a BatchNorm follows: the bias then cancels exactly in the BN's mean, so it is
    /// neither added nor given a gradient (it stays at its initial value, and the output is the
    /// same as with it). Saves a pass over the output forward and one backward.
    var biasMatters = true
    /// Where in the net's BatchNorm statistics the input's folded BatchNorm keeps its map
    /// (`BatchNorm.folded`), nil when the input is read as it is. Set by `SkipNet`'s plan.
    var affineStatsOffset: Int?

    init(cin: Int, cout: Int, k: Int, stride: Int, padding: PaddingMode, h: Int, w: Int, offset: Int,
         columnBudget: Int = Conv2D.columnBudget) throws {
        guard cin > 0, cout > 0 else { throw EngineError.badConfiguration("convolution with \(cin)→\(cout) channels") }
        guard k >= 1, k % 2 == 1, k <= 15 else { throw EngineError.badConfiguration("kernel size \(k) must be odd and at most 15") }
        guard stride == 1 || stride == 2 else { throw EngineError.badConfiguration("stride \(stride) must be 1 or 2") }
        let p = (k - 1) / 2
        guard h > 0, w > 0, padding == .zero || (p < h && p < w) else {
            throw EngineError.badConfiguration("a \(k)×\(k) reflection-padded convolution needs an input larger than \(p) pixels, got \(w)×\(h)")
        }
        self.cin = cin; self.cout = cout; self.k = k; self.stride = stride; self.padding = padding
        self.h = h; self.w = w
        ho = (h + 2 * p - k) / stride + 1
        wo = (w + 2 * p - k) / stride + 1
        weightOffset = offset
        biasOffset = offset + cout * cin * k * k
        rowsPerTile = max(1, min(ho, columnBudget / max(1, cin * k * k * wo)))
        columnBudgetUsed = columnBudget
    }

    /// PyTorch's default initialisation: weights and biases uniform in ±1/√(cin·k·k).
    func initialise(_ params: UnsafeMutablePointer<Float>, rng: inout SeededRandom) {
        let bound = 1 / Float(kdim).squareRoot()
        for i in 0..<(cout * kdim) { params[weightOffset + i] = (rng.nextUniform() * 2 - 1) * bound }
        for i in 0..<cout { params[biasOffset + i] = (rng.nextUniform() * 2 - 1) * bound }
    }

    /// Output x-range [lo, hi) whose input column ox·stride + kx − pad lies inside the image.
    @inline(__always)
    private func interior(_ kx: Int) -> (Int, Int) {
        let off = kx - pad
        var lo = off >= 0 ? 0 : (-off + stride - 1) / stride
        var hi = (w - 1 - off) >= 0 ? (w - 1 - off) / stride + 1 : 0
        lo = min(lo, wo); hi = max(min(hi, wo), lo)
        return (lo, hi)
    }

    /// Fills cols (kdim × (oy1−oy0)·wo) from one image's input planes.
    func im2col(_ src: UnsafePointer<Float>, oy0: Int, oy1: Int, cols: UnsafeMutablePointer<Float>) {
        let nt = (oy1 - oy0) * wo
        let kk = k * k
        Parallel.forEach(kdim, costPerItem: nt) { range in
            for r in range {
                let c = r / kk, ky = (r % kk) / k, kx = r % k
                let plane = src + c * h * w
                let row = cols + r * nt
                let (lo, hi) = interior(kx)
                let off = kx - pad
                for oy in oy0..<oy1 {
                    let dst = row + (oy - oy0) * wo
                    let iy = padding.sourceIndex(oy * stride + ky - pad, h)
                    if iy < 0 { dst.update(repeating: 0, count: wo); continue }
                    let srow = plane + iy * w
                    for ox in 0..<lo {
                        let ix = padding.sourceIndex(ox * stride + off, w)
                        dst[ox] = ix < 0 ? 0 : srow[ix]
                    }
                    if stride == 1 {
                        let s = srow + off
                        for ox in lo..<hi { dst[ox] = s[ox] }
                    } else {
                        for ox in lo..<hi { dst[ox] = srow[ox * stride + off] }
                    }
                    for ox in hi..<wo {
                        let ix = padding.sourceIndex(ox * stride + off, w)
                        dst[ox] = ix < 0 ? 0 : srow[ix]
                    }
                }
            }
        }
    }

    /// Adds cols (kdim × (oy1−oy0)·wo) back into one image's input-gradient planes (the adjoint
    /// of im2col). Parallel over input channels: each plane is written by one worker.
    func col2im(_ cols: UnsafePointer<Float>, oy0: Int, oy1: Int, dst: UnsafeMutablePointer<Float>) {
        let nt = (oy1 - oy0) * wo
        let kk = k * k
        Parallel.forEach(cin, costPerItem: kk * nt) { range in
            for c in range {
                let plane = dst + c * h * w
                for ky in 0..<k {
                    for kx in 0..<k {
                        let row = cols + (c * kk + ky * k + kx) * nt
                        let (lo, hi) = interior(kx)
                        let off = kx - pad
                        for oy in oy0..<oy1 {
                            let iy = padding.sourceIndex(oy * stride + ky - pad, h)
                            if iy < 0 { continue }
                            let s = row + (oy - oy0) * wo
                            let drow = plane + iy * w
                            for ox in 0..<lo {
                                let ix = padding.sourceIndex(ox * stride + off, w)
                                if ix >= 0 { drow[ix] += s[ox] }
                            }
                            if stride == 1 {
                                let d = drow + off
                                for ox in lo..<hi { d[ox] += s[ox] }
                            } else {
                                for ox in lo..<hi { drow[ox * stride + off] += s[ox] }
                            }
                            for ox in hi..<wo {
                                let ix = padding.sourceIndex(ox * stride + off, w)
                                if ix >= 0 { drow[ix] += s[ox] }
                            }
                        }
                    }
                }
            }
        }
    }


    @inline(__always)
    func addBias(_ y: UnsafeMutablePointer<Float>, ldy: Int, count: Int, bias: UnsafePointer<Float>) {
        Parallel.forEach(cout, costPerItem: count) { range in
            for co in range {
                let b = bias[co]
                let p = y + co * ldy
                for i in 0..<count { p[i] += b }
            }
        }
    }

    /// y = conv(x) + bias. `x` has cin×h×w per image, `y` cout×ho×wo; `cols` is the shared workspace.
    /// `affine` (cin scales, then cin shifts; the padded-row path only) maps each input channel
    /// first: a BatchNorm folded into this convolution (`SkipNet`), so its output is never stored.
    func forward(x: TensorView, y: TensorView, params: UnsafeMutablePointer<Float>, cols: UnsafeMutablePointer<Float>,
                 affine: UnsafePointer<Float>? = nil, profiler: Profiler? = nil) {
        let wt = params + weightOffset, bias = params + biasOffset
        let outPlane = ho * wo
        for n in 0..<x.n {
            let src = x.image(n), dst = y.image(n)
            if isThin {
                profiler.measure(.convGEMM) { thinForward(src, dst, params: params) }
                continue
            }
            if useRowShift {
                rowShiftForward(x: x.one(n), y: y.one(n), params: params, work: cols, affine: affine, profiler: profiler)
                continue
            }
            if useBF16 {
                bf16Forward(src, dst, params: params, cols: cols, profiler: profiler)
                continue
            }
            if isPointwise {
                profiler.measure(.convGEMM) {
                    BLAS.sgemm(transA: false, transB: false, m: cout, n: outPlane, k: cin, a: wt, lda: cin,
                               b: src, ldb: h * w, beta: 0, c: dst, ldc: outPlane)
                }
                if biasMatters { profiler.measure(.convBias) { addBias(dst, ldy: outPlane, count: outPlane, bias: bias) } }
                continue
            }
            var oy0 = 0
            while oy0 < ho {
                let oy1 = min(ho, oy0 + rowsPerTile)
                let nt = (oy1 - oy0) * wo
                profiler.measure(.convIm2col) { im2col(src, oy0: oy0, oy1: oy1, cols: cols) }
                profiler.measure(.convGEMM) {
                    BLAS.sgemm(transA: false, transB: false, m: cout, n: nt, k: kdim, a: wt, lda: kdim,
                               b: cols, ldb: nt, beta: 0, c: dst + oy0 * wo, ldc: outPlane)
                }
                if biasMatters { profiler.measure(.convBias) { addBias(dst + oy0 * wo, ldy: outPlane, count: nt, bias: bias) } }
                oy0 = oy1
            }
        }
    }

    /// Accumulates dW, db from dy (and x); writes (or, with `accumulate`, adds) dx when `dx` is
    /// given. The column workspace is rebuilt from x per tile rather than kept from the forward.
    /// With `affine` (see `forward`) dx is the gradient with respect to the mapped input.
    func backward(x: TensorView, dy: TensorView, dx: TensorView?, accumulate: Bool,
                  params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>,
                  cols: UnsafeMutablePointer<Float>, affine: UnsafePointer<Float>? = nil, profiler: Profiler? = nil) {
        let wt = params + weightOffset
        let dW = grads + weightOffset, db = grads + biasOffset
        let outPlane = ho * wo
        for n in 0..<x.n {
            let src = x.image(n), g = dy.image(n)
            if useRowShift {
                rowShiftBackward(x: x.one(n), dy: dy.one(n), dx: dx?.one(n), accumulate: accumulate, params: params,
                                 grads: grads, work: cols, affine: affine, profiler: profiler)
                continue
            }
            if isThin {
                profiler.measure(.convGEMM) {
                    thinBackward(src, g, dx?.image(n), accumulate: accumulate, params: params, grads: grads)
                }
                continue
            }
            // Bias gradient: per-channel sums, each by one worker in a fixed order.
            if biasMatters { profiler.measure(.convBias) {
                Parallel.forEach(cout, costPerItem: outPlane) { range in
                    for co in range { db[co] += Float(Kernels.longSum(g + co * outPlane, outPlane)) }
                }
            } }
            if useBF16 {
                bf16Backward(src, g, dx?.image(n), accumulate: accumulate, params: params, grads: grads, cols: cols,
                             profiler: profiler)
                continue
            }
            if isPointwise {
                profiler.measure(.convGEMM) {
                    BLAS.sgemm(transA: false, transB: true, m: cout, n: cin, k: outPlane, a: g, lda: outPlane,
                               b: src, ldb: h * w, beta: 1, c: dW, ldc: cin)
                    if let dx {
                        BLAS.sgemm(transA: true, transB: false, m: cin, n: outPlane, k: cout, a: wt, lda: cin,
                                   b: g, ldb: outPlane, beta: accumulate ? 1 : 0, c: dx.image(n), ldc: h * w)
                    }
                }
                continue
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
                let oy1 = min(ho, oy0 + rowsPerTile)
                let nt = (oy1 - oy0) * wo
                profiler.measure(.convIm2col) { im2col(src, oy0: oy0, oy1: oy1, cols: cols) }
                profiler.measure(.convGEMM) {
                    BLAS.sgemm(transA: false, transB: true, m: cout, n: kdim, k: nt, a: g + oy0 * wo, lda: outPlane,
                               b: cols, ldb: nt, beta: 1, c: dW, ldc: kdim)
                }
                if let dx {
                    profiler.measure(.convGEMM) {
                        BLAS.sgemm(transA: true, transB: false, m: kdim, n: nt, k: cout, a: wt, lda: kdim,
                                   b: g + oy0 * wo, ldb: outPlane, beta: 0, c: cols, ldc: nt)
                    }
                    profiler.measure(.convCol2im) { col2im(cols, oy0: oy0, oy1: oy1, dst: dx.image(n)) }
                }
                oy0 = oy1
            }
        }
    }
}
