/// The "skip" encoder-decoder of Deep Image Prior, described per level (level 0 = full
/// resolution). See DIP-REFERENCE ("The network") for the exact structure; `SkipNet` builds it.
public struct SkipNetConfig: Sendable, Equatable {
    /// Channels of the net input z.
    public var inputDepth: Int
    /// Channels of the output image (3 colour, 1 grey).
    public var outputChannels: Int
    /// Per level: channels of the two down convs (nd), of the up conv (nu), of the skip branch (ns, 0 = none).
    public var down: [Int], up: [Int], skip: [Int]
    /// Kernel sizes of the down convs, the up convs and the skip convs (odd).
    public var kernelDown: Int, kernelUp: Int, kernelSkip: Int
    /// Per level ×2 upsampling mode.
    public var upsample: [UpsampleMode]
    public var padding: PaddingMode
    /// Whether each level ends with a 1×1 conv → BN → LReLU.
    public var need1x1Up: Bool

    /// Number of levels; image sides must be multiples of 2^levels.
    public var levels: Int { down.count }
    /// Required multiple of the image sides (2^levels).
    public var sizeMultiple: Int { 1 << levels }
    /// The smallest side the net accepts: with reflection padding the deepest feature maps
    /// (side / 2^levels) must be wider than the largest kernel's pad.
    public var minimumSide: Int {
        padding == .reflection ? (max(kernelDown, kernelUp) / 2 + 1) << levels : sizeMultiple
    }

    public init(inputDepth: Int, outputChannels: Int, down: [Int], up: [Int], skip: [Int],
                kernelDown: Int = 3, kernelUp: Int = 3, kernelSkip: Int = 1,
                upsample: [UpsampleMode], padding: PaddingMode = .reflection, need1x1Up: Bool = true) {
        self.inputDepth = inputDepth; self.outputChannels = outputChannels
        self.down = down; self.up = up; self.skip = skip
        self.kernelDown = kernelDown; self.kernelUp = kernelUp; self.kernelSkip = kernelSkip
        self.upsample = upsample; self.padding = padding; self.need1x1Up = need1x1Up
    }

    /// Checks list lengths, channel counts and kernel sizes; throws `.badConfiguration`.
    public func validate() throws {
        let n = down.count
        guard n >= 1, n <= 10 else { throw EngineError.badConfiguration("levels \(n) must be 1...10") }
        guard up.count == n, skip.count == n, upsample.count == n else {
            throw EngineError.badConfiguration("down/up/skip/upsample lists must all have \(n) entries (got \(down.count)/\(up.count)/\(skip.count)/\(upsample.count))")
        }
        guard inputDepth >= 1, outputChannels >= 1 else {
            throw EngineError.badConfiguration("input depth \(inputDepth) and output channels \(outputChannels) must be positive")
        }
        guard down.allSatisfy({ $0 >= 1 }), up.allSatisfy({ $0 >= 1 }), skip.allSatisfy({ $0 >= 0 }),
              (down + up + skip).allSatisfy({ $0 <= 4096 }) else {
            throw EngineError.badConfiguration("channel counts must be 1...4096 (skip may be 0)")
        }
        for (name, k) in [("kernelDown", kernelDown), ("kernelUp", kernelUp), ("kernelSkip", kernelSkip)] {
            guard k >= 1, k % 2 == 1, k <= 15 else { throw EngineError.badConfiguration("\(name) \(k) must be odd, 1...15") }
        }
    }

    /// DIP's standard net (nd = nu = 128, ns = 4 per level, 5 levels, 3×3, reflection, 1×1 up
    /// convs) with the given input depth, output channels and upsampling.
    public static func standard(inputDepth: Int = 32, outputChannels: Int = 3, skipChannels: Int = 4,
                                upsample: UpsampleMode = .bilinear) -> SkipNetConfig {
        SkipNetConfig(inputDepth: inputDepth, outputChannels: outputChannels,
                      down: Array(repeating: 128, count: 5), up: Array(repeating: 128, count: 5),
                      skip: Array(repeating: skipChannels, count: 5),
                      upsample: Array(repeating: upsample, count: 5))
    }

    /// Denoising (F16, σ=25): z 32 channels of noise, 128×5 / 128×5 / 4×5, bilinear.
    public static func paperDenoise(outputChannels: Int = 3) -> SkipNetConfig {
        standard(inputDepth: 32, outputChannels: outputChannels)
    }

    /// Real-noise denoising (snail): z 3 channels, [8,16,32,64,128] / same / [0,0,0,4,4], bilinear.
    public static func paperDenoiseSmall(outputChannels: Int = 3) -> SkipNetConfig {
        SkipNetConfig(inputDepth: 3, outputChannels: outputChannels, down: [8, 16, 32, 64, 128],
                      up: [8, 16, 32, 64, 128], skip: [0, 0, 0, 4, 4], upsample: Array(repeating: .bilinear, count: 5))
    }

    /// Super-resolution ×4 / ×8: as denoising (the net works at the high-resolution size).
    public static func paperSuperResolution(outputChannels: Int = 3) -> SkipNetConfig {
        standard(inputDepth: 32, outputChannels: outputChannels)
    }

    /// Inpainting with large holes (vase): meshgrid z (2), no skips, nearest.
    public static func paperInpaintLargeHoles(outputChannels: Int = 3) -> SkipNetConfig {
        standard(inputDepth: 2, outputChannels: outputChannels, skipChannels: 0, upsample: .nearest)
    }

    /// Text-overlay inpainting (kate): z 32, 128×5 / 128×5 / 128×5, nearest.
    public static func paperInpaintText(outputChannels: Int = 3) -> SkipNetConfig {
        standard(inputDepth: 32, outputChannels: outputChannels, skipChannels: 128, upsample: .nearest)
    }

    /// Region inpainting (library): z 1, [16,32,64,128,128,128] / same / 0×6, 5×5 down, 3×3 up,
    /// nearest, no 1×1 up convs.
    public static func paperInpaintRegion(outputChannels: Int = 3) -> SkipNetConfig {
        let ch = [16, 32, 64, 128, 128, 128]
        return SkipNetConfig(inputDepth: 1, outputChannels: outputChannels, down: ch, up: ch,
                             skip: Array(repeating: 0, count: 6), kernelDown: 5, kernelUp: 3,
                             upsample: Array(repeating: .nearest, count: 6), need1x1Up: false)
    }

    /// Restoration of missing pixels (barbara): as denoising, typically 1 output channel.
    public static func paperRestore(outputChannels: Int = 1) -> SkipNetConfig {
        standard(inputDepth: 32, outputChannels: outputChannels)
    }

    /// Flash/no-flash: z = the flash image (3 channels), upsampling nearest, nearest, bilinear×3.
    public static func paperFlash(outputChannels: Int = 3) -> SkipNetConfig {
        var c = standard(inputDepth: 3, outputChannels: outputChannels)
        c.upsample = [.nearest, .nearest, .bilinear, .bilinear, .bilinear]
        return c
    }
}
