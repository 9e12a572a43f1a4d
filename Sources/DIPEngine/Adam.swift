/// Adam (β1 0.9, β2 0.999, ε 1e-8) over one contiguous parameter buffer, computed exactly as
/// PyTorch's torch.optim.Adam (no weight decay): p −= lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε).
final class Adam {
    let count: Int
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    private let m: FloatBuffer, v: FloatBuffer
    private(set) var t = 0

    init(count: Int) {
        self.count = count
        m = FloatBuffer(count: count); v = FloatBuffer(count: count)
    }

    func update(params: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, learningRate: Float) {
        t += 1
        let bc1 = 1 - Double(beta1).power(t), bc2 = 1 - Double(beta2).power(t)
        let stepSize = Float(Double(learningRate) / bc1)
        let rootBC2 = Float(bc2.squareRoot())
        let b1 = beta1, b2 = beta2, eps = epsilon
        let mp = m.pointer, vp = v.pointer
        Parallel.forEach(count, costPerItem: 4) { r in
            for i in r {
                let g = grads[i]
                let mi = b1 * mp[i] + (1 - b1) * g
                let vi = b2 * vp[i] + (1 - b2) * g * g
                mp[i] = mi; vp[i] = vi
                params[i] -= stepSize * mi / (vi.squareRoot() / rootBC2 + eps)
            }
        }
    }
}

extension Double {
    /// self^n for a small non-negative integer n (repeated squaring, exact order every run).
    func power(_ n: Int) -> Double {
        var result = 1.0, base = self, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
