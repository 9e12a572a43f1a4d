/// An owned, zero-initialised, 64-byte-aligned float allocation (activations, gradients,
/// workspaces, parameters). Allocated once when a plan is built; the step loop only reuses it.
final class FloatBuffer {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: self.count * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: self.count)
        pointer.initialize(repeating: 0, count: self.count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }
    func copy(from other: FloatBuffer) { pointer.update(from: other.pointer, count: min(count, other.count)) }
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// A view of an NCHW tensor inside some buffer: `n` images of `c × h × w`, image i starting at
/// `base + i·batchStride`. Channel slices of a concat buffer are views with the parent's stride.
struct TensorView {
    var base: UnsafeMutablePointer<Float>
    var n: Int, c: Int, h: Int, w: Int
    var batchStride: Int
    var plane: Int { h * w }
    @inline(__always) func image(_ i: Int) -> UnsafeMutablePointer<Float> { base + i * batchStride }
    @inline(__always) func channel(_ i: Int, _ ch: Int) -> UnsafeMutablePointer<Float> { base + i * batchStride + ch * h * w }
    /// A contiguous tensor (batchStride = c·h·w).
    init(base: UnsafeMutablePointer<Float>, n: Int, c: Int, h: Int, w: Int) {
        self.base = base; self.n = n; self.c = c; self.h = h; self.w = w; batchStride = c * h * w
    }
    init(base: UnsafeMutablePointer<Float>, n: Int, c: Int, h: Int, w: Int, batchStride: Int) {
        self.base = base; self.n = n; self.c = c; self.h = h; self.w = w; self.batchStride = batchStride
    }
    /// Image i alone, as a batch of one.
    func one(_ i: Int) -> TensorView {
        TensorView(base: base + i * batchStride, n: 1, c: c, h: h, w: w, batchStride: batchStride)
    }
    /// Channels [from, from+count) of this view.
    func slice(channels from: Int, count: Int) -> TensorView {
        TensorView(base: base + from * h * w, n: n, c: count, h: h, w: w, batchStride: batchStride)
    }
}
