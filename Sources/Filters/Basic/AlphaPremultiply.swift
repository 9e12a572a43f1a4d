/// Converting between straight alpha (how `Image` stores it) and premultiplied alpha (what
/// resampling needs so transparent pixels carry no weight of colour).
enum AlphaPremultiply {
    static func premultiply(_ p: inout [Float], channels: Int) {
        let colours = channels - 1
        p.withUnsafeMutableBufferPointer { b in
            var i = 0
            while i + channels <= b.count {
                let a = b[i + colours]
                for c in 0..<colours { b[i + c] *= a }
                i += channels
            }
        }
    }

    /// Divides colour by alpha (colour 0 where alpha is 0) and clamps every sample to [0, 1].
    static func unpremultiply(_ p: inout [Float], channels: Int) {
        let colours = channels - 1
        p.withUnsafeMutableBufferPointer { b in
            var i = 0
            while i + channels <= b.count {
                let a = min(max(b[i + colours], 0), 1)
                b[i + colours] = a
                let inv: Float = a > 1e-7 ? 1 / a : 0
                for c in 0..<colours { b[i + c] = min(max(b[i + c] * inv, 0), 1) }
                i += channels
            }
        }
    }
}
