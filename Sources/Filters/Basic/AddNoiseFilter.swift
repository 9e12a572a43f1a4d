import FilterAPI

/// `add-noise`: additive white Gaussian noise, the degradation of DIP's denoising benchmark.
///
/// σ is on the 0–255 scale (σ = 25 is the paper's setting); each colour sample gets an independent
/// N(0, (σ/255)²) draw and the result is clamped to [0, 1]. Alpha is left untouched. Draws come from
/// the seeded PRNG (stream "add-noise"), so the same seed always gives the same noise.
public final class AddNoiseFilter: Filter {
    public static let name = "add-noise"
    public static let summary = "Add seeded Gaussian noise (sigma on the 0-255 scale), clamped to [0,1]"
    public static let details = """
        Adds independent N(0, (sigma/255)^2) noise to every colour sample and clamps to [0, 1]; alpha is
        untouched. sigma 25 is the DIP paper's denoising setting (about 20.2 dB on an 8-bit image).
        Same seed, same noise: --seed pins this filter, otherwise the run's --seed is used.
        """
    static let sigma = Parameter<Double>.number("sigma", 0...255, default: 25,
                                                 help: "Noise standard deviation on the 0-255 scale")
    public static let parameters: [ParameterSpec] = [sigma.spec, FilterSeed.parameter.spec]

    let sigma: Double
    let seed: UInt64?

    public init(parameters: ParameterValues) throws {
        sigma = parameters.value(Self.sigma)
        seed = FilterSeed.given(parameters)
    }

    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
        var image = inputs.image
        guard image.pixels.count == image.pixelCount * image.channels, image.channels > 0 else {
            throw DipError.badImage(inputs.imageName, "pixel buffer does not match the image size")
        }
        var rng = FilterSeed.generator(seed, context: context, stream: Self.name)
        let s = sigma / 255, channels = image.channels, colours = image.colorChannels
        image.pixels.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                for c in 0..<colours {
                    let v = Double(p[i + c]) + s * rng.nextGaussian()
                    p[i + c] = Float(min(max(v, 0), 1))
                }
                i += channels
            }
        }
        return image
    }
}
