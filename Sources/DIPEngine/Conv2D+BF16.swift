/// The im2col and 1×1 convolution paths with bf16 products (`BF16Workspace`): the same tiles as
/// the fp32 paths — im2col's column matrix per row tile; for 1×1 the input planes themselves,
/// `rowsPerTile` rows at a time — rounded in the workspace region after the column matrix.
/// (The padded-row path has its own loop, `RowShiftConv.swift`.)
extension Conv2D {
    /// The region after the fp32 column matrix (none for 1×1).
    private func bf16Workspace(_ cols: UnsafeMutablePointer<Float>) -> BF16Workspace {
        BF16Workspace(m: cout, kRows: kdim, parts: 1, span: rowsPerTile * wo,
                      base: cols + (isPointwise ? 0 : kdim * rowsPerTile * wo))
    }

    /// One image: dst (cout × ho·wo) = conv(src) (+ bias).
    func bf16Forward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, params: UnsafeMutablePointer<Float>,
                     cols: UnsafeMutablePointer<Float>, profiler: Profiler?) {
        let bf = bf16Workspace(cols)
        bf.packForward(part: 0, params + weightOffset, rs: kdim, cs: 1)
        let outPlane = ho * wo
        var oy0 = 0
        while oy0 < ho {
            let oy1 = min(ho, oy0 + rowsPerTile)
            let nt = (oy1 - oy0) * wo
            profiler.measure(.convIm2col) {
                if isPointwise {
                    bf.roundAsPairs(src + oy0 * wo, ld: h * w, span: nt)
                } else {
                    im2col(src, oy0: oy0, oy1: oy1, cols: cols)
                    bf.roundAsPairs(cols, ld: nt, span: nt)
                }
            }
            profiler.measure(.convGEMM) {
                bf.forward(n: nt, span: nt, y: dst + oy0 * wo, ldc: outPlane)
            }
            if biasMatters {
                profiler.measure(.convBias) { addBias(dst + oy0 * wo, ldy: outPlane, count: nt, bias: params + biasOffset) }
            }
            oy0 = oy1
        }
    }

    /// One image: dW += ∂/∂W, and dx (=, or += with `accumulate`) ∂/∂x when dx is given; the bias
    /// gradient is the caller's.
    func bf16Backward(_ src: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>?,
                      accumulate: Bool, params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>,
                      cols: UnsafeMutablePointer<Float>, profiler: Profiler?) {
        let bf = bf16Workspace(cols)
        if dx != nil { bf.packBackward(part: 0, params + weightOffset, rs: kdim, cs: 1) }
        let outPlane = ho * wo, dW = grads + weightOffset
        if let dx, !accumulate, !isPointwise {
            profiler.measure(.convCol2im) {
                Parallel.forEach(cin, costPerItem: h * w) { range in
                    (dx + range.lowerBound * h * w).update(repeating: 0, count: range.count * h * w)
                }
            }
        }
        var oy0 = 0
        while oy0 < ho {
            let oy1 = min(ho, oy0 + rowsPerTile)
            let nt = (oy1 - oy0) * wo
            profiler.measure(.convIm2col) {
                if !isPointwise { im2col(src, oy0: oy0, oy1: oy1, cols: cols) }
                let x = isPointwise ? src + oy0 * wo : UnsafePointer(cols)
                bf.roundForBackward(x: x, ldx: isPointwise ? h * w : nt, dy: g + oy0 * wo, ldy: outPlane, span: nt,
                                    pairs: dx != nil)
            }
            profiler.measure(.convGEMM) {
                bf.weightGradient(n: nt, span: nt, dW: dW, ldc: kdim, tStride: 0)
                if let dx {
                    if isPointwise {
                        bf.inputGradient(span: nt, c: dx + oy0 * wo, ldc: h * w, accumulate: accumulate)
                    } else {
                        bf.inputGradient(span: nt, c: cols, ldc: nt, accumulate: false)
                    }
                }
            }
            if let dx, !isPointwise {
                profiler.measure(.convCol2im) { col2im(cols, oy0: oy0, oy1: oy1, dst: dx) }
            }
            oy0 = oy1
        }
    }
}
