import Glibc

/// Fills scattered missing pixels by iterated hard thresholding in sliding 16×16 DCT blocks
/// (Guleryuz, "Nonlinear approximation based image recovery using adaptive sparse
/// reconstructions", IEEE TIP 2006; the missing-pixel set-up of Elad, Starck et al.). Natural
/// images are sparse in local DCTs; a fill that keeps only the large coefficients of every block,
/// then puts the known pixels back, moves toward the sparse image that explains them. The
/// threshold falls geometrically from `startThreshold` to `endThreshold` over the iterations, so
/// coarse structure settles before fine texture is let in. Each block is weighted by 1 / (its kept
/// coefficients): sparser blocks, the surer ones, count more. DC coefficients are always kept.
///
/// Colour images work in the opponent space of `SlidingDCT` (luma and two colour differences);
/// known pixels are known in every channel. One `iterate()` is one pass over all blocks; the
/// result is deterministic.
public final class DCTInpainting {
    public let channels: Int, height: Int, width: Int
    public let iterations: Int
    public let stride: Int
    /// The smallest side it works on (one block).
    public static let blockSizeNeeded = SlidingDCT.blockSize
    public static let startThreshold: Float = 0.4
    public static let endThreshold: Float = 0.01
    public private(set) var iterationsDone = 0
    /// RMS change of the unknown pixels in the last iteration (0–1 units).
    public private(set) var lastChange: Float = 0

    /// The current estimate in the opponent space; known pixels hold their values.
    private var estimate: [Float]
    private let known: [Bool]

    /// - Parameters: `image` planar CHW in [0, 1] (values of unknown pixels are ignored); `known`
    ///   one flag per pixel; sides at least 16 (callers mirror smaller images out).
    public init(image: [Float], known: [Bool], channels: Int, height: Int, width: Int,
                iterations: Int = 30, stride: Int = 4) throws {
        let plane = height * width
        guard channels >= 1, height >= SlidingDCT.blockSize, width >= SlidingDCT.blockSize,
              image.count == channels * plane, known.count == plane else {
            throw EngineError.badInput("DCT inpainting: \(channels)×\(height)×\(width) image with \(image.count) values and \(known.count) mask flags (sides must be at least \(SlidingDCT.blockSize))")
        }
        guard iterations >= 1, stride >= 1 else { throw EngineError.badConfiguration("DCT inpainting: iterations and stride must be positive") }
        guard known.contains(true) else { throw EngineError.badInput("DCT inpainting: no known pixel") }
        self.channels = channels; self.height = height; self.width = width
        self.iterations = iterations; self.stride = stride; self.known = known
        estimate = Self.initialFill(SlidingDCT.toOpponent(image, channels: channels, plane: plane), known: known,
                                    channels: channels, height: height, width: width)
    }

    /// The threshold of iteration `i` (0-based) of `n`.
    static func threshold(_ i: Int, of n: Int) -> Float {
        guard n > 1 else { return endThreshold }
        let t = Float(i) / Float(n - 1)
        return startThreshold * pow(endThreshold / startThreshold, t)
    }

    /// One pass: threshold every block, average, restore the known pixels.
    public func iterate() {
        let plane = height * width
        let t = Self.threshold(min(iterationsDone, iterations - 1), of: iterations)
        let shrunk = SlidingDCT.shrink(estimate, pilot: nil, channels: channels, height: height, width: width,
                                       stride: stride) { block, _ in
            let threshold = SIMD16<Float>(repeating: t), zero = SIMD16<Float>(repeating: 0)
            let dc = block[0][0], dcKept = abs(dc) >= t
            var kept = SIMD16<Float>(repeating: 0)
            for k in 0..<SlidingDCT.blockSize {
                let b = block[k]
                let keep = b.replacing(with: -b, where: b .< 0) .>= threshold
                block[k] = zero.replacing(with: block[k], where: keep)
                kept += SIMD16<Float>(repeating: 0).replacing(with: 1, where: keep)
            }
            if !dcKept { block[0][0] = dc; kept[0] += 1 }
            return 1 / max(kept.sum(), 1)
        }
        var change = 0.0, unknown = 0
        for c in 0..<channels {
            for i in 0..<plane where !known[i] {
                let k = c * plane + i, d = shrunk[k] - estimate[k]
                change += Double(d * d); unknown += 1
                estimate[k] = shrunk[k]
            }
        }
        lastChange = Float((change / Double(max(unknown, 1))).squareRoot())
        iterationsDone += 1
    }

    /// The current fill, planar CHW in the input's colour space (unclamped).
    public var result: [Float] { SlidingDCT.fromOpponent(estimate, channels: channels, plane: height * width) }

    /// The first estimate: each unknown pixel the Gaussian-weighted mean (σ = 2 px) of the known
    /// pixels around it — normalised convolution, separable, mirrored at the borders; where no
    /// known pixel is near, the mean of all known pixels.
    static func initialFill(_ x: [Float], known: [Bool], channels: Int, height: Int, width: Int) -> [Float] {
        let plane = height * width, radius = 6
        let taps = (-radius...radius).map { Float(exp(-Double($0 * $0) / 8)) }
        let weight = known.map { $0 ? Float(1) : 0 }
        func blur(_ p: [Float]) -> [Float] {
            var h = [Float](repeating: 0, count: plane), out = h
            for y in 0..<height {
                for x in 0..<width {
                    var s: Float = 0
                    for (j, w) in taps.enumerated() { s += w * p[y * width + Reflection.index(x + j - radius, width)] }
                    h[y * width + x] = s
                }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var s: Float = 0
                    for (j, w) in taps.enumerated() { s += w * h[Reflection.index(y + j - radius, height) * width + x] }
                    out[y * width + x] = s
                }
            }
            return out
        }
        let density = blur(weight)
        var out = x
        for c in 0..<channels {
            let channel = Array(x[(c * plane)..<((c + 1) * plane)])
            var sum: Float = 0, count: Float = 0
            for i in 0..<plane where known[i] { sum += channel[i]; count += 1 }
            let mean = sum / max(count, 1)
            let mass = blur(zip(channel, weight).map { $0 * $1 })
            for i in 0..<plane where !known[i] {
                out[c * plane + i] = density[i] > 1e-4 ? mass[i] / density[i] : mean
            }
        }
        return out
    }
}
