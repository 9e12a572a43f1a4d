/// Estimates the standard deviation of additive white Gaussian noise from the image itself:
/// the median absolute deviation of the finest diagonal Haar wavelet band, divided by 0.6745
/// (Donoho & Johnstone's robust estimator). Image structure lives mostly in the coarser bands,
/// so the finest diagonal band is nearly pure noise; the median ignores the edges that leak in.
/// Blocks with a sample at 0 or 1 are left out when enough others remain: clipping removes noise
/// there, and on photos with dark or bright areas counting them under-estimated σ = 25 as 20.8
/// (CBSD68 101087), which made the denoiser keep noise.
public enum NoiseLevel {
    /// σ on the [0, 1] scale of `planes` (channels × height × width), pooled over channels; 0 for
    /// an image smaller than 2×2.
    public static func sigma(_ planes: [Float], channels: Int, height: Int, width: Int) -> Double {
        let h2 = height / 2, w2 = width / 2
        guard h2 > 0, w2 > 0, planes.count >= channels * height * width else { return 0 }
        var band = [Float](), unclipped = [Float]()
        band.reserveCapacity(channels * h2 * w2)
        unclipped.reserveCapacity(channels * h2 * w2)
        for c in 0..<channels {
            let base = c * height * width
            for i in 0..<h2 {
                let top = base + 2 * i * width, bottom = top + width
                for j in 0..<w2 {
                    let a = planes[top + 2 * j], b = planes[top + 2 * j + 1]
                    let e = planes[bottom + 2 * j], f = planes[bottom + 2 * j + 1]
                    // Orthonormal Haar HH coefficient of the 2×2 block.
                    let d = abs(a - b - e + f) / 2
                    band.append(d)
                    if min(a, b, e, f) > 0 && max(a, b, e, f) < 1 { unclipped.append(d) }
                }
            }
        }
        if unclipped.count >= max(16, band.count / 10) { band = unclipped }
        band.sort()
        let n = band.count
        let median = n % 2 == 1 ? Double(band[n / 2]) : 0.5 * Double(band[n / 2 - 1] + band[n / 2])
        return median / 0.6745
    }
}
