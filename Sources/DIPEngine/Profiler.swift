/// Seconds accumulated per part of a fit step, for `dip-bench engine --profile`.
///
/// The fit holds an optional profiler: nil (the normal case) costs one nil check per measured
/// part; a profiler adds two clock reads. Storage is fixed at creation, so measuring allocates
/// nothing.
public final class Profiler {
    /// What is measured. The `conv…` parts break a convolution down and overlap `convForward` /
    /// `convBackward`; the others are disjoint parts of a step.
    public enum Part: Int, CaseIterable, Sendable {
        case convForward, batchNormForward, upsampleForward, sigmoidForward
        case convBackward, batchNormBackward, upsampleBackward, sigmoidBackward
        case convIm2col, convGEMM, convCol2im, convBias
        case perturb, loss, update

        public var label: String {
            switch self {
            case .convForward: return "conv fwd"
            case .batchNormForward: return "bn fwd"
            case .upsampleForward: return "upsample fwd"
            case .sigmoidForward: return "sigmoid fwd"
            case .convBackward: return "conv bwd"
            case .batchNormBackward: return "bn bwd"
            case .upsampleBackward: return "upsample bwd"
            case .sigmoidBackward: return "sigmoid bwd"
            case .convIm2col: return "(conv im2col"
            case .convGEMM: return "gemm"
            case .convCol2im: return "col2im+zero"
            case .convBias: return "bias)"
            case .perturb: return "perturb"
            case .loss: return "loss"
            case .update: return "guard+EMA+Adam"
            }
        }
    }

    private let parts: UnsafeMutablePointer<Double>
    /// Forward and backward seconds per op of a net (2 per op), for the slowest-layer listing.
    let opSeconds: UnsafeMutablePointer<Double>
    let opCount: Int

    /// A profiler for a net of `ops` operations.
    public init(ops: Int) {
        parts = .allocate(capacity: Part.allCases.count)
        parts.initialize(repeating: 0, count: Part.allCases.count)
        opCount = ops
        opSeconds = .allocate(capacity: max(2 * ops, 1))
        opSeconds.initialize(repeating: 0, count: max(2 * ops, 1))
    }

    deinit { parts.deallocate(); opSeconds.deallocate() }

    /// Adds `seconds` to `part`.
    @inline(__always)
    func add(_ part: Part, _ seconds: Double) { parts[part.rawValue] += seconds }

    /// Accumulated seconds per part, in `Part` order.
    public var report: [(String, Double)] { Part.allCases.map { ($0.label, parts[$0.rawValue]) } }
}

extension Optional where Wrapped == Profiler {
    /// Runs `body`, adding its time to `part` when there is a profiler.
    @inline(__always)
    func measure<R>(_ part: Profiler.Part, _ body: () throws -> R) rethrows -> R {
        guard let profiler = self else { return try body() }
        let t0 = MonotonicClock.now()
        defer { profiler.add(part, MonotonicClock.now() - t0) }
        return try body()
    }
}
