import Foundation

/// Empirical Wiener filtering of a noisy image in sliding 16×16 DCT blocks, steered by a pilot
/// estimate (Ghael, Sayeed & Baraniuk, 1997; BM3D's second step without its block matching). In
/// every block the noisy image's DCT coefficients y_k are scaled by g_k = p_k² / (p_k² + σ²), p_k
/// being the pilot's coefficient — the gain that minimises the expected error if the pilot were
/// the clean image — and the blocks are put back with weights 1 / (σ² Σ g_k²), the inverse of the
/// estimate's noise variance. A net's estimate keeps the image's structure but loses some of its
/// fine texture and contrast; the Wiener gains keep every noisy coefficient the pilot says is
/// signal, at its measured (not the net's) amplitude.
///
/// Colour images are filtered in an orthonormal opponent colour space (luma and two colour
/// differences, as CBM3D), where white noise of level σ stays white of level σ. Blocks start every
/// `stride` pixels (1: every position; 2: a quarter of the work for ~0.1 dB less) and at the last
/// position of each side; both sides must be at least 16 (callers mirror smaller images out).
/// The result does not depend on scheduling: blocks whose rows overlap are accumulated in a fixed
/// order.
public enum DCTWiener {
    public static let blockSize = DCTThreshold.Block.sixteen.rawValue

    /// The filtered image, planar CHW like `noisy`. `sigma` on the [0, 1] scale of the planes.
    /// Returns `pilot` unchanged when a side is under `blockSize`, σ is not positive or the sizes
    /// do not match.
    public static func filter(noisy: [Float], pilot: [Float], channels: Int, height: Int, width: Int,
                              sigma: Double, stride: Int = 2) -> [Float] {
        let plane = height * width
        guard channels >= 1, height >= blockSize, width >= blockSize, stride >= 1, sigma > 0,
              noisy.count == channels * plane, pilot.count == channels * plane else { return pilot }
        let variance = Float(sigma * sigma), v = SIMD16<Float>(repeating: variance)
        let y = SlidingDCT16.blocks.shrink(OpponentColour.toOpponent(noisy, channels: channels, plane: plane),
                                  pilot: OpponentColour.toOpponent(pilot, channels: channels, plane: plane),
                                  channels: channels, height: height, width: width, stride: stride) { by, bp in
            var energy = SIMD16<Float>(repeating: 0)
            for k in 0..<blockSize {
                let p2 = bp[k] * bp[k]
                let g = p2 / (p2 + v)
                by[k] *= g
                energy += g * g
            }
            return 1 / (variance * max(energy.sum(), 1e-3))
        }
        return OpponentColour.fromOpponent(y, channels: channels, plane: plane)
    }

    /// A pilot without a net: hard thresholding of the noisy image at `factor`·σ in sliding 16×16
    /// DCT blocks (`DCTThreshold`; the first step of BM3D without its block matching; Yu & Sapiro,
    /// "DCT image denoising", IPOL 2011), in the opponent space like `filter`. Returns `noisy`
    /// unchanged when a side is under `blockSize` or σ is not positive.
    public static func hardThresholdPilot(noisy: [Float], channels: Int, height: Int, width: Int, sigma: Double,
                                          factor: Float = 2.7, stride: Int = 2) -> [Float] {
        let plane = height * width
        guard sigma > 0, noisy.count == channels * plane else { return noisy }
        let y = DCTThreshold.apply(OpponentColour.toOpponent(noisy, channels: channels, plane: plane), channels: channels,
                                   height: height, width: width, threshold: factor * Float(sigma), stride: stride,
                                   block: .sixteen)
        return OpponentColour.fromOpponent(y, channels: channels, plane: plane)
    }
}
