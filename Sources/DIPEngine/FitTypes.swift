/// The fixed net input z.
public enum NetInput: Sendable {
    /// `depth` channels of uniform noise U(0,1)·`scale` (DIP uses scale 0.1).
    case uniformNoise(depth: Int, scale: Float)
    /// Two channels: x/(W−1) and y/(H−1) (DIP's "meshgrid" input).
    case meshgrid
    /// A given planar CHW image (flash/no-flash feeds the flash image), `channels` × H × W.
    case image(planar: [Float], channels: Int)

    /// Channels this input has.
    public var depth: Int {
        switch self {
        case .uniformNoise(let d, _): return d
        case .meshgrid: return 2
        case .image(_, let c): return c
        }
    }
}

/// Optimisation settings of a fit.
public struct FitOptions: Sendable {
    /// Adam learning rate (DIP: 0.01 for most tasks).
    public var learningRate: Float
    /// Standard deviation of the Gaussian perturbation added to z each step (0 = none).
    public var regNoiseStd: Float
    /// When set (DIP: 0.99), keeps out_avg ← decay·out_avg + (1−decay)·out after every accepted step.
    public var emaDecay: Float?
    /// Steps to run before the average starts (0 = from the first step, as the reference does).
    /// Short runs average fewer of the early, unfitted outputs when this is a fraction of the run.
    public var emaStart: Int = 0
    /// DIP-REFERENCE's divergence guard: if the PSNR of the output against the degraded input falls
    /// by more than 5 dB from the last accepted step, restore the last accepted weights and skip
    /// this step's update (the step still counts).
    public var divergenceGuard: Bool
    /// Seed of every random draw (weights, z, perturbations).
    public var seed: UInt64
    /// Start with the head conv at zero, so the first output is 0.5 everywhere (residual fits:
    /// the image is a base plus the output − 0.5, and starts as the base).
    public var zeroHead = false
    /// Bytes the net's planned buffers may take; a larger plan fails as `EngineError.overBudget`
    /// before anything is allocated. Unbounded by default: the caller (a filter) sets its budget.
    public var memoryBudget = Int.max

    public init(learningRate: Float = 0.01, regNoiseStd: Float = 1.0 / 30.0, emaDecay: Float? = nil,
                divergenceGuard: Bool = false, seed: UInt64 = 0) {
        self.learningRate = learningRate; self.regNoiseStd = regNoiseStd; self.emaDecay = emaDecay
        self.divergenceGuard = divergenceGuard; self.seed = seed
    }
}
