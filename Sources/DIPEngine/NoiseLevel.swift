/// Estimates the standard deviation of additive white Gaussian noise from the image itself:
/// the median absolute deviation of the finest diagonal Haar wavelet band, divided by 0.6745
/// (Donoho & Johnstone's robust estimator). Image structure lives mostly in the coarser bands,
/// so the finest diagonal band is nearly pure noise; the median ignores the edges that leak in.
public enum NoiseLevel {
    /// σ on the [0, 1] scale of `planes` (channels × height × width), pooled over channels; 0 for
    /// an image smaller than 2×2.
    public static func sigma(_ planes: [Float], channels: Int, height: Int, width: Int) -> Double {
        let h2 = height / 2, w2 = width / 2
        guard h2 > 0, w2 > 0, planes.count >= channels * height * width else { return 0 }
        var band = [Float]()
        band.reserveCapacity(channels * h2 * w2)
        for c in 0..<channels {
            let base = c * height * width
            for i in 0..<h2 {
                let top = base + 2 * i * width, bottom = top + width
                for j in 0..<w2 {
                    // Orthonormal Haar HH coefficient of the 2×2 block.
                    let d = (planes[top + 2 * j] - planes[top + 2 * j + 1] - planes[bottom + 2 * j] + planes[bottom + 2 * j + 1]) / 2
                    band.append(abs(d))
                }
            }
        }
        band.sort()
        let n = band.count
        let median = n % 2 == 1 ? Double(band[n / 2]) : 0.5 * Double(band[n / 2 - 1] + band[n / 2])
        return median / 0.6745
    }
}
