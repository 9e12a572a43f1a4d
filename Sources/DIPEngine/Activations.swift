import Glibc

/// Element-wise activations: LeakyReLU (standalone; the net uses the BN-fused form) and sigmoid.
enum Activations {
    /// y = x > 0 ? x : slope·x over `count` floats.
    static func leakyReLUForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, slope: Float = 0.2) {
        Parallel.forEach(count, costPerItem: 1) { r in
            for i in r { let v = x[i]; y[i] = v > 0 ? v : v * slope }
        }
    }

    /// dx (=, or += with `accumulate`) dy·(x > 0 ? 1 : slope).
    static func leakyReLUBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                  count: Int, slope: Float = 0.2, accumulate: Bool) {
        Parallel.forEach(count, costPerItem: 1) { r in
            for i in r {
                let v = x[i] > 0 ? dy[i] : dy[i] * slope
                if accumulate { dx[i] += v } else { dx[i] = v }
            }
        }
    }

    /// y = 1 / (1 + e^(−x)), per image of a possibly strided view.
    static func sigmoidForward(_ x: TensorView, _ y: TensorView) {
        let per = x.c * x.plane
        for n in 0..<x.n {
            let s = x.image(n), d = y.image(n)
            Parallel.forEach(per, costPerItem: 8) { r in
                for i in r { d[i] = 1 / (1 + expf(-s[i])) }
            }
        }
    }

    /// dx (=, or +=) dy·y·(1 − y), from the sigmoid's output y.
    static func sigmoidBackward(_ y: TensorView, _ dy: TensorView, _ dx: TensorView, accumulate: Bool) {
        let per = y.c * y.plane
        for n in 0..<y.n {
            let s = y.image(n), g = dy.image(n), d = dx.image(n)
            Parallel.forEach(per, costPerItem: 2) { r in
                for i in r {
                    let v = g[i] * s[i] * (1 - s[i])
                    if accumulate { d[i] += v } else { d[i] = v }
                }
            }
        }
    }
}
