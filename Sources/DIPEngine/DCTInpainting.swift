import Glibc

/// Fills scattered missing pixels by iterated hard thresholding in sliding 16×16 DCT blocks
/// (Guleryuz, "Nonlinear approximation based image recovery using adaptive sparse
/// reconstructions", IEEE TIP 2006; the missing-pixel set-up of Elad, Starck et al.). Natural
/// images are sparse in local DCTs; a fill that keeps only the large coefficients of every block
/// (`DCTThreshold`), then puts the known pixels back, moves toward the sparse image that explains
/// them. The threshold falls geometrically from `startThreshold` to `endThreshold` over the
/// iterations, so coarse structure settles before fine texture is let in.
///
/// Colour images work in the opponent space of `SlidingDCT` (luma and two colour differences);
/// known pixels are known in every channel. One `iterate()` is one pass over all blocks; the
/// result is deterministic.
public final class DCTInpainting {
    public let channels: Int, height: Int, width: Int
    public let iterations: Int
    public let stride: Int
    /// The smallest side it works on (one block).
    public static let blockSizeNeeded = DCTThreshold.Block.sixteen.rawValue
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
        guard channels >= 1, height >= Self.blockSizeNeeded, width >= Self.blockSizeNeeded,
              image.count == channels * plane, known.count == plane else {
            throw EngineError.badInput("DCT inpainting: \(channels)×\(height)×\(width) image with \(image.count) values and \(known.count) mask flags (sides must be at least \(Self.blockSizeNeeded))")
        }
        guard iterations >= 1, stride >= 1 else { throw EngineError.badConfiguration("DCT inpainting: iterations and stride must be positive") }
        guard known.contains(true) else { throw EngineError.badInput("DCT inpainting: no known pixel") }
        self.channels = channels; self.height = height; self.width = width
        self.iterations = iterations; self.stride = stride; self.known = known
        estimate = Self.initialFill(OpponentColour.toOpponent(image, channels: channels, plane: plane), known: known,
                                    channels: channels, height: height, width: width)
    }

    /// The threshold of iteration `i` (0-based) of `n`.
    static func threshold(_ i: Int, of n: Int) -> Float {
        DCTThreshold.schedule(i, of: n, from: startThreshold, to: endThreshold)
    }

    /// One pass: threshold every block, average, restore the known pixels.
    public func iterate() {
        let plane = height * width
        let t = Self.threshold(min(iterationsDone, iterations - 1), of: iterations)
        let shrunk = DCTThreshold.apply(estimate, channels: channels, height: height, width: width, threshold: t,
                                        stride: stride, block: .sixteen)
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
    public var result: [Float] { OpponentColour.fromOpponent(estimate, channels: channels, plane: height * width) }

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
