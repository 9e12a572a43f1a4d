import Glibc

/// Image-quality metrics used by `dip-pipe compare`, the benchmarks and the tests.
///
/// Both metrics work on images in [0, 1] and compare **colour channels only**: alpha, when present,
/// is ignored (it is not part of what a restoration is judged on). The two images must have the same
/// size and the same number of colour channels; a grey image against an RGB one is an error rather
/// than a silent conversion, because mixing them almost always means the wrong file was given.
///
/// `luma: true` selects the super-resolution protocol of the DIP paper: each image is reduced to
/// the luminance Y of ITU-R BT.601 scaled to [16, 235] (Y = 16 + 65.481 R + 128.553 G + 24.966 B for
/// RGB in [0, 1]), divided by 255 so the peak stays 1 (as MATLAB's `psnr` on 8-bit Y does). A grey
/// image is treated as R = G = B, so a grey picture and its RGB copy score the same.
/// `crop: N` drops N pixels from every border before measuring (the paper uses 4 for ×4 SR).
public enum Quality {
    /// Peak signal-to-noise ratio in dB: 10·log10(1 / MSE) over every colour sample of the (cropped)
    /// image. Identical images give `+infinity` (shown as "inf" by `format`).
    public static func psnr(_ a: Image, _ b: Image, luma: Bool = false, crop: Int = 0) throws -> Double {
        let (pa, pb) = try QualityPlanes.prepare(a, b, luma: luma, crop: crop)
        var sum = 0.0
        var count = 0
        for (x, y) in zip(pa, pb) {
            sum += QualityPlanes.squaredError(x.samples, y.samples)
            count += x.samples.count
        }
        guard count > 0 else { throw DipError.badImage("compare", "nothing left to compare") }
        let mse = sum / Double(count)
        return mse == 0 ? .infinity : 10 * log10(1 / mse)
    }

    /// Mean structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004), computed on each colour
    /// channel (or on Y with `luma`) and averaged over channels.
    ///
    /// As in the authors' reference `ssim_index.m`: an 11×11 Gaussian window with σ = 1.5,
    /// K1 = 0.01, K2 = 0.03, dynamic range L = 1, statistics over the "valid" positions only (the
    /// window never hangs over the border), no automatic downsampling. Images smaller than 11 pixels
    /// on a side use the largest odd window that fits (same σ, renormalised), so tiny images still
    /// get a score.
    public static func ssim(_ a: Image, _ b: Image, luma: Bool = false, crop: Int = 0) throws -> Double {
        let (pa, pb) = try QualityPlanes.prepare(a, b, luma: luma, crop: crop)
        guard !pa.isEmpty else { throw DipError.badImage("compare", "nothing left to compare") }
        var total = 0.0
        for (x, y) in zip(pa, pb) { total += SSIM.mean(x, y) }
        return total / Double(pa.count)
    }

    /// A PSNR value as `compare` prints it: two decimals, or "inf" for identical images.
    public static func format(psnr: Double) -> String {
        psnr.isInfinite ? (psnr > 0 ? "inf" : "-inf") : NumberText.fixed(psnr, decimals: 2)
    }

    /// An SSIM value as `compare` prints it (four decimals).
    public static func format(ssim: Double) -> String { NumberText.fixed(ssim, decimals: 4) }
}
