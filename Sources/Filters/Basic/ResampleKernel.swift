import FilterAPI
import Glibc

/// The interpolation kernels `resize` offers. Both are the usual separable ones:
/// bicubic is Keys' cubic convolution with a = −0.5 (support 2), lanczos3 is sinc windowed by
/// sinc(x/3) (support 3), as in ImageMagick, Pillow and libvips.
enum ResampleKernel: String, ParameterChoice {
    case bicubic
    case lanczos3

    /// Half-width of the kernel at scale 1, in input pixels.
    var support: Double {
        switch self {
        case .bicubic: return 2
        case .lanczos3: return 3
        }
    }

    func weight(_ x: Double) -> Double {
        let t = abs(x)
        switch self {
        case .bicubic:
            return KeysCubic.weight(t)
        case .lanczos3:
            if t < 1e-12 { return 1 }
            if t >= 3 { return 0 }
            let px = Double.pi * t
            return 3 * sin(px) * sin(px / 3) / (px * px)
        }
    }
}
