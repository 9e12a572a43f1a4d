import Glibc

/// Timing of single layers, for `dip-bench` and for tuning (not used by the fit itself).
public enum LayerBenchmark {
    /// Median seconds of forward and of backward (with input gradient) of one convolution layer
    /// cin→cout, k×k, stride 1, reflection padding, on an h×w image, with an im2col column budget
    /// of `columnBudget` floats.
    public static func convolution(cin: Int, cout: Int, k: Int, h: Int, w: Int,
                                   columnBudget: Int = 8 << 20, reps: Int = 3) throws -> (forward: Double, backward: Double) {
        try BLAS.load()
        let layer = try Conv2D(cin: cin, cout: cout, k: k, stride: 1, padding: .reflection, h: h, w: w,
                               offset: 0, columnBudget: columnBudget)
        let params = FloatBuffer(count: layer.parameterCount), grads = FloatBuffer(count: layer.parameterCount)
        var rng = SeededRandom(seed: 1)
        layer.initialise(params.pointer, rng: &rng)
        let x = FloatBuffer(count: cin * h * w), dx = FloatBuffer(count: cin * h * w)
        let y = FloatBuffer(count: cout * h * w), dy = FloatBuffer(count: cout * h * w)
        for i in 0..<x.count { x.pointer[i] = rng.nextUniform() }
        for i in 0..<dy.count { dy.pointer[i] = rng.nextUniform() - 0.5 }
        let cols = FloatBuffer(count: layer.columnFloats)
        let xv = TensorView(base: x.pointer, n: 1, c: cin, h: h, w: w), yv = TensorView(base: y.pointer, n: 1, c: cout, h: h, w: w)
        let dxv = TensorView(base: dx.pointer, n: 1, c: cin, h: h, w: w), dyv = TensorView(base: dy.pointer, n: 1, c: cout, h: h, w: w)
        func now() -> Double { var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 }
        var f: [Double] = [], b: [Double] = []
        for _ in 0...reps {
            let t0 = now()
            layer.forward(x: xv, y: yv, params: params.pointer, cols: cols.pointer)
            let t1 = now()
            layer.backward(x: xv, dy: dyv, dx: dxv, accumulate: false, params: params.pointer, grads: grads.pointer, cols: cols.pointer)
            let t2 = now()
            f.append(t1 - t0); b.append(t2 - t1)
        }
        f.removeFirst(); b.removeFirst()
        return (f.sorted()[f.count / 2], b.sorted()[b.count / 2])
    }
}

extension LayerBenchmark {
    /// Seconds to add N(0, σ²) noise to `count` floats on one thread (the per-step perturbation
    /// runs this on 64 Ki chunks over all workers).
    public static func gaussianNoise(count: Int) -> Double {
        let src = FloatBuffer(count: count), dst = FloatBuffer(count: count)
        _ = dst.pointer[count - 1]
        var rng = SeededRandom(seed: 1)
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        let scratch = FloatBuffer(count: 2 * GaussianNoise.block)
        GaussianNoise.addNoise(src.pointer, dst.pointer, count: count, sigma: 0.1, rng: &rng, scratch: scratch.pointer)
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 - t0
    }
}
