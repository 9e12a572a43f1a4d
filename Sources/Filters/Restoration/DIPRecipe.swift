import DIPEngine

/// Everything one Deep Image Prior fit needs besides the images: the net, its input, and the
/// optimisation schedule. Each filter's `PresetTable` holds these; user parameters override fields.
struct DIPRecipe: PresetRecipe {
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
    /// Fit a residual over the filter's classical answer (super-resolution: bicubic) instead of
    /// the image itself: the output starts there, so no step budget ends below it.
    var residual = false
    /// Passes of iterative back-projection after the fit (super-resolution): the result is moved
    /// until, downsampled, it is the input again — what the fit's data term asks, which the
    /// averaged, early-stopped output only nearly satisfies.
    var backProjectionPasses = 0
    /// Without `--iters`, stop by this rule (`iterations` is then the cap); nil: run `iterations`.
    var stopping: StoppingRule? = nil

    var dipRecipe: DIPRecipe? { self }

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

    func overridden(steps: Int?, learningRate: Float?) -> DIPRecipe {
        var r = self
        if let steps { r.iterations = steps; r.stopping = nil }
        if let learningRate { r.learningRate = learningRate }
        return r
    }

    /// A copy that stops by itself (`StoppingRule.standard`) with its step count as the cap.
    var stoppingItself: DIPRecipe { with(\.stopping, .standard(cap: iterations)) }
    /// A copy that stops once its result has settled (`StoppingRule.settled`), its step count the cap.
    var stoppingWhenSettled: DIPRecipe { with(\.stopping, .settled(cap: iterations)) }

    /// A copy with one field changed (for a preset's variants).
    func with<V>(_ field: WritableKeyPath<DIPRecipe, V>, _ value: V) -> DIPRecipe {
        var r = self
        r[keyPath: field] = value
        return r
    }

    /// The light net of the `fast` presets: DIP's skip architecture with channels
    /// [16, 32, 64, 128, 128] (the shape of the paper's small real-noise net, with skips of 4 on every
    /// level). At 512² a step takes about 1/6 of the paper net's (README, `dip-bench engine`).
    static func fastNet(upsample: UpsampleMode = .bilinear, skip: Int = 4) -> SkipNetConfig {
        let ch = [16, 32, 64, 128, 128]
        return SkipNetConfig(inputDepth: 32, outputChannels: 3, down: ch, up: ch,
                             skip: Array(repeating: skip, count: 5),
                             upsample: Array(repeating: upsample, count: 5))
    }
}

extension DIPRecipe {
    /// The recipe in words, one phrase per setting, as the filters' help shows it.
    var phrases: [String] {
        var p = net.phrases
        switch input {
        case .noise(let d): p.append("z noise \(d)")
        case .meshgrid: p.append("z meshgrid")
        case .guide: p.append("z = the flash image")
        }
        p.append("lr \(Self.number(learningRate))")
        p.append(stopping.map { "at most \(iterations) steps, " + $0.phrase } ?? "\(iterations) steps")
        p.append(regNoiseStd > 0 ? "reg noise \(Self.fraction(regNoiseStd))" : "no reg noise")
        if let emaDecay {
            p.append("EMA \(Self.number(emaDecay))" + (averagingBurnIn ? " after the first quarter" : ""))
        } else {
            p.append("no averaging")
        }
        if divergenceGuard { p.append("divergence guard") }
        if residual { p.append("residual over the classical start") }
        if backProjectionPasses > 0 { p.append("then \(backProjectionPasses) back-projection passes") }
        return p
    }

    /// "1/30" for the reciprocal of a whole number that has no short decimal, else the decimal
    /// ("0.05", not "1/20").
    static func fraction(_ x: Float) -> String {
        let decimal = number(x), inverse = (1 / Double(x)).rounded()
        if decimal.count > 5, inverse >= 2, Float(1 / inverse) == x { return "1/\(Int(inverse))" }
        return decimal
    }

    /// The shortest decimal that reads back as the same Float ("0.01", "0.99"; "1" for 1.0).
    static func number(_ x: Float) -> String { x == x.rounded() && abs(x) < 1e7 ? "\(Int(x))" : "\(x)" }
}

extension SkipNetConfig {
    /// The net in words: channels, skips, kernels, upsampling.
    var phrases: [String] {
        func list(_ v: [Int]) -> String {
            v.allSatisfy({ $0 == v[0] }) ? "\(v[0])x\(v.count)" : v.map(String.init).joined(separator: ",")
        }
        var p = [down == up ? "channels \(list(down))" : "channels down \(list(down)), up \(list(up))"]
        let sameSkip = skip.allSatisfy { $0 == skip[0] }
        p.append(sameSkip && skip[0] == 0 ? "no skips" : "skip " + (sameSkip ? "\(skip[0])" : list(skip)))
        if kernelDown != 3 { p.append("\(kernelDown)x\(kernelDown) down") }
        if kernelUp != 3 { p.append("\(kernelUp)x\(kernelUp) up") }
        let modes = upsample.map { $0 == .nearest ? "nearest" : "bilinear" }
        p.append(modes.allSatisfy({ $0 == modes[0] }) ? modes[0] : modes.joined(separator: ","))
        if !need1x1Up { p.append("no 1x1 up convs") }
        return p
    }
}
