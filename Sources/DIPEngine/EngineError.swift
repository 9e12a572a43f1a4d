/// Errors the engine reports. DIPEngine does not depend on FilterAPI, so callers (the filters) map
/// these to `DipError` (`badParameter` for `.badConfiguration`, `badImage` for `.badInput`,
/// `failure` for `.blasUnavailable`, `noMemory` for `.tooLarge` and `.overBudget`). Each message
/// is one line naming the input and the problem.
public enum EngineError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The network configuration or a fit option is unusable.
    case badConfiguration(String)
    /// An input tensor (target, mask, net input) has the wrong size or values.
    case badInput(String)
    /// OpenBLAS could not be loaded or lacks a needed symbol.
    case blasUnavailable(String)
    /// A buffer would be larger than the engine is willing to allocate.
    case tooLarge(String)
    /// A plan (`what`, e.g. "a 512×512 fit") needs `bytes`, more than the caller's budget.
    case overBudget(what: String, bytes: Int, budget: Int)

    public var description: String {
        switch self {
        case .badConfiguration(let m): return "engine configuration: \(m)"
        case .badInput(let m): return "engine input: \(m)"
        case .blasUnavailable(let m): return "OpenBLAS: \(m)"
        case .tooLarge(let m): return "engine size: \(m)"
        case .overBudget(let what, let bytes, let budget):
            return "engine size: \(what) needs about \(bytes) bytes, more than the budget of \(budget)"
        }
    }
}
