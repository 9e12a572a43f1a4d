import DIPEngine

/// Everything one Deep Image Prior fit needs besides the images: the net, its input, and the
/// optimisation schedule. Presets build these; user parameters override fields.
struct DIPRecipe {
    enum InputKind: Equatable {
        /// Uniform noise U(0,1)·0.1 with this many channels.
        case noise(depth: Int)
        /// DIP's 2-channel meshgrid.
        case meshgrid
        /// The guide image itself (flash/no-flash).
        case guide
    }

    var net: SkipNetConfig
    var input: InputKind
    var iterations: Int
    var learningRate: Float
    var regNoiseStd: Float
    /// Output averaging (DIP: 0.99) — the reported image is the running average.
    var emaDecay: Float?
    /// DIP's divergence guard (restore the last good weights when PSNR drops by > 5 dB).
    var divergenceGuard: Bool
    /// Start the average after the first quarter of the steps rather than at step 1 (the `fast`
    /// presets): in short runs the reference's average is dominated by the early, unfitted outputs.
    var averagingBurnIn = false

    /// The step after which averaging starts.
    var emaStart: Int { averagingBurnIn ? iterations / 4 : 0 }

    /// The net with `channels` output channels and the input depth `input` implies.
    func withChannels(_ channels: Int, guideChannels: Int = 3) -> DIPRecipe {
        var r = self
        r.net.outputChannels = channels
        switch input {
        case .noise(let d): r.net.inputDepth = d
        case .meshgrid: r.net.inputDepth = 2
        case .guide: r.net.inputDepth = guideChannels
        }
        return r
    }

    /// The light net of the `fast` presets: DIP's skip architecture with channels
    /// [16, 32, 64, 128, 128] (the shape of the paper's small real-noise net, with skips of 4 on every
    /// level), about a tenth of the paper net's cost per step.
    static func fastNet(upsample: UpsampleMode = .bilinear, skip: Int = 4) -> SkipNetConfig {
        let ch = [16, 32, 64, 128, 128]
        return SkipNetConfig(inputDepth: 32, outputChannels: 3, down: ch, up: ch,
                             skip: Array(repeating: skip, count: 5),
                             upsample: Array(repeating: upsample, count: 5))
    }
}
