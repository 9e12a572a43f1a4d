#if canImport(Glibc)
import Glibc
#endif

/// Reads how hard a decoded image was JPEG-compressed from its pixels alone: JPEG quantises each
/// 8×8 block's DCT coefficients to multiples of a step per frequency, so on the block grid the
/// decoded image's coefficients still sit near multiples of those steps (Fan & de Queiroz, "Identi-
/// fication of bitmap compression history", 2003). The steps of the nine lowest luma frequencies
/// give the artefact strength that `deblock` filters with, as the noise level does for `denoise`
/// (Foi, Katkovnik & Egiazarian's SA-DCT deblocking set its σ from the same nine steps).
///
/// The grid is the image's own (offset 0, as a decoder writes it): a JPEG cropped off its grid or
/// resized reads as not compressed, and the caller leaves it alone unless told a strength.
public enum JPEGQuantisation {
    /// What the image shows of its compression.
    public struct Estimate: Equatable, Sendable {
        /// The quantisation step of each of the nine lowest frequencies (row-major (u, v), u, v < 3)
        /// of the luma's DCT, on the 0-255 scale; nil where too few blocks carry that frequency
        /// to tell.
        public var steps: [Int?]
        /// Mean of the steps read (an unread step's only bound, twice the largest coefficient seen,
        /// is no bound when a few of them were not quantised to 0).
        public var meanStep: Double
    }

    /// The frequencies read: u, v in 0..<3 (DC included), as in SA-DCT deblocking.
    static let side = 3
    /// A step is read from a frequency only with this many non-zero coefficients: the periodicity
    /// score of a wrong step is noise of standard deviation ~1/√(2n), well under the threshold.
    static let minimumCount = 32
    /// The fraction of non-zero coefficients' mass that must sit on multiples of a step (mean
    /// cosine of their phase): the decoder's rounding to 8 bits shakes them by ~0.3 levels, which
    /// costs a true step of 4 about a quarter of its score.
    static let threshold = 0.6
    /// Coefficients smaller than this (0-255 scale) count as quantised to zero: the 8-bit rounding
    /// of the decoded pixels moves a zero coefficient by well under a level.
    static let zeroBand: Float = 1.5
    /// Largest step considered (baseline JPEG's 8-bit tables).
    static let largestStep = 255
    /// Blocks read at most (evenly spread): enough for every frequency, and bounded time on photos.
    static let maximumBlocks = 20_000

    /// The estimate for colour `planes` (channels × height × width, [0, 1]; one plane grey, three
    /// RGB), or nil when the image does not look JPEG-compressed on its grid (fewer than three of
    /// the nine steps readable, or under four 8×8 blocks).
    public static func estimate(_ planes: [Float], channels: Int, height: Int, width: Int) -> Estimate? {
        let rows = height / 8, columns = width / 8
        guard rows * columns >= 4, channels == 1 || channels >= 3,
              planes.count >= channels * height * width else { return nil }
        let coefficients = lowFrequencies(planes, channels: channels, height: height, width: width)
        let steps = coefficients.map(readStep)
        let read = steps.compactMap { $0 }
        guard read.count >= 3 else { return nil }
        return Estimate(steps: steps, meanStep: Double(read.reduce(0, +)) / Double(read.count))
    }

    /// The luma DCT coefficients of every read block at the nine low frequencies, frequency-major.
    /// Luma is JPEG's own (BT.601 weights on the 0-255 scale) less the level shift of 128, and the
    /// DCT is JPEG's, which is the orthonormal 8-point DCT-II in each direction.
    static func lowFrequencies(_ planes: [Float], channels: Int, height: Int, width: Int) -> [[Float]] {
        let rows = height / 8, columns = width / 8
        let every = max(1, (rows * columns + maximumBlocks - 1) / maximumBlocks)
        var basis = [Float](repeating: 0, count: side * 8)
        for u in 0..<side {
            let a = u == 0 ? (1.0 / 8).squareRoot() : (2.0 / 8).squareRoot()
            for x in 0..<8 { basis[u * 8 + x] = Float(a * cos(Double((2 * x + 1) * u) * Double.pi / 16)) }
        }
        var out = [[Float]](repeating: [], count: side * side)
        var block = [Float](repeating: 0, count: 64), half = [Float](repeating: 0, count: 8 * side)
        let plane = height * width
        var index = 0
        for by in 0..<rows {
            for bx in 0..<columns {
                defer { index += 1 }
                guard index % every == 0 else { continue }
                for y in 0..<8 {
                    for x in 0..<8 {
                        let p = (by * 8 + y) * width + bx * 8 + x
                        let luma = channels == 1 ? planes[p]
                            : 0.299 * planes[p] + 0.587 * planes[plane + p] + 0.114 * planes[2 * plane + p]
                        block[y * 8 + x] = luma * 255 - 128
                    }
                }
                // Rows first (frequency v along x), then columns (u along y).
                for y in 0..<8 {
                    for v in 0..<side {
                        var s: Float = 0
                        for x in 0..<8 { s += basis[v * 8 + x] * block[y * 8 + x] }
                        half[y * side + v] = s
                    }
                }
                for u in 0..<side {
                    for v in 0..<side {
                        var s: Float = 0
                        for y in 0..<8 { s += basis[u * 8 + y] * half[y * side + v] }
                        out[u * side + v].append(s)
                    }
                }
            }
        }
        return out
    }

    /// The step whose multiples (other than 0) hold the non-zero coefficients, or nil. A step's
    /// score is the mean over non-zero coefficients of cos(2πc/q), counted only where c rounds to
    /// a non-zero multiple: divisors of the true step score as high as it does, its multiples put
    /// odd multiples at half phase (negative), and steps beyond the coefficients' range, where
    /// everything rounds to 0, score nothing. A step a little above the true one still passes
    /// (most coefficients are ±1 steps, only slightly out of phase), so the answer is the best
    /// score between three quarters of the largest passing step and that step: far enough below
    /// to reach the true step, not so far as its half.
    static func readStep(_ values: [Float]) -> Int? {
        let nonZero = values.filter { abs($0) >= zeroBand }
        guard nonZero.count >= minimumCount else { return nil }
        func score(_ q: Int) -> Double {
            let step = Float(q)
            var s = 0.0
            for c in nonZero {
                let k = (c / step).rounded()
                guard k != 0 else { continue }
                s += cos(2 * Double.pi * Double(c - k * step) / Double(step))
            }
            return s / Double(nonZero.count)
        }
        guard let largest = stride(from: largestStep, through: 2, by: -1).first(where: { score($0) >= threshold })
        else { return nil }
        let low = max(2, (3 * largest + 3) / 4)
        let scored = (low...largest).map { (step: $0, score: score($0)) }   // each step scored once
        return scored.max { $0.score < $1.score }?.step
    }
}
