/// Block motion between two frames of a stream, and the previous frame warped onto the current
/// one: what `Deflicker` compares and blends, so that a pan does not close its gate everywhere.
///
/// Each `block`×`block` block of the current frame (grey: the mean of its colour channels) is
/// matched against the previous frame at every whole-pixel offset within ±`searchRadius`, by sum
/// of squared differences scaled by (1 + `lengthPenalty`·|offset|₁) — in a flat block every offset
/// matches about as well, and the penalty then keeps the vector short. A parabola through the
/// best offset's neighbours gives the sub-pixel part (video pans by fractions of a pixel). The
/// previous frame is then resampled at each pixel plus its block's vector with `KeysCubic`, which keeps more detail than bilinear at half-pixel shifts.
struct BlockMotion {
    static let block = 16
    static let searchRadius = 3
    static let lengthPenalty: Float = 0.05

    let width: Int, height: Int
    let blocksAcross: Int, blocksDown: Int
    /// Per block: where its content was in the previous frame, relative to where it is now.
    private(set) var vectors: [(x: Float, y: Float)]

    /// Matches `current` against `previous` (grey planes of width × height).
    init(current: [Float], previous: [Float], width: Int, height: Int) {
        self.width = width; self.height = height
        let b = Self.block, r = Self.searchRadius, side = 2 * r + 1
        blocksAcross = (width + b - 1) / b; blocksDown = (height + b - 1) / b
        vectors = []
        vectors.reserveCapacity(blocksAcross * blocksDown)
        var cost = [Float](repeating: 0, count: side * side)
        for by in 0..<blocksDown {
            for bx in 0..<blocksAcross {
                let x0 = bx * b, y0 = by * b, x1 = min(x0 + b, width), y1 = min(y0 + b, height)
                for dy in -r...r {
                    for dx in -r...r {
                        var sum: Float = 0
                        for y in y0..<y1 {
                            let py = min(max(y + dy, 0), height - 1) * width
                            for x in x0..<x1 {
                                let d = current[y * width + x] - previous[py + min(max(x + dx, 0), width - 1)]
                                sum += d * d
                            }
                        }
                        cost[(dy + r) * side + dx + r] = sum * (1 + Self.lengthPenalty * Float(abs(dx) + abs(dy)))
                    }
                }
                var best = 0
                for i in 1..<cost.count where cost[i] < cost[best] { best = i }
                let iy = best / side, ix = best % side
                let fx = ix > 0 && ix < side - 1
                    ? Self.vertex(cost[best - 1], cost[best], cost[best + 1]) : 0
                let fy = iy > 0 && iy < side - 1
                    ? Self.vertex(cost[best - side], cost[best], cost[best + side]) : 0
                vectors.append((Float(ix - r) + fx, Float(iy - r) + fy))
            }
        }
    }

    /// The offset (within ±½) of the lowest point of the parabola through three equally spaced costs.
    static func vertex(_ a: Float, _ b: Float, _ c: Float) -> Float {
        let curvature = a - 2 * b + c
        guard curvature > 0 else { return 0 }
        return min(max(0.5 * (a - c) / curvature, -0.5), 0.5)
    }

    /// `previous` (interleaved, `channels` per pixel) resampled at each pixel plus its block's vector.
    func warp(_ previous: [Float], channels: Int) -> [Float] {
        var out = [Float](repeating: 0, count: previous.count)
        var wx = [Float](repeating: 0, count: 4), wy = [Float](repeating: 0, count: 4)
        for y in 0..<height {
            for x in 0..<width {
                let v = vectors[(y / Self.block) * blocksAcross + x / Self.block]
                let sx = Float(x) + v.x, sy = Float(y) + v.y
                let ix = Int(sx.rounded(.down)), iy = Int(sy.rounded(.down))
                Self.keys(sx - Float(ix), into: &wx)
                Self.keys(sy - Float(iy), into: &wy)
                let o = (y * width + x) * channels
                for j in 0..<4 {
                    let row = min(max(iy + j - 1, 0), height - 1) * width
                    for i in 0..<4 {
                        let w = wy[j] * wx[i]
                        let p = (row + min(max(ix + i - 1, 0), width - 1)) * channels
                        for c in 0..<channels { out[o + c] += w * previous[p + c] }
                    }
                }
            }
        }
        return out
    }

    /// Keys cubic (`KeysCubic`) weights of the samples at −1, 0, 1, 2 for a point `t` ∈ [0, 1) past 0.
    static func keys(_ t: Float, into w: inout [Float]) {
        w[0] = KeysCubic.weight(t + 1); w[1] = KeysCubic.weight(t)
        w[2] = KeysCubic.weight(1 - t); w[3] = KeysCubic.weight(2 - t)
    }
}
