/// Every error dip reports. The description is the one-line message users see; it names the input
/// and the problem. Each case maps to one C ABI result code (CBridge `ResultCode.code(of:)`).
public enum DipError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An image could not be read or is unusable: (input name, problem).
    case badImage(String, String)
    /// A parameter's name or value is wrong: (parameter, problem).
    case badParameter(String, String)
    /// Generic failure (I/O, an output that could not be written, ...).
    case failure(String)
    /// The API was used in a way it does not allow (wrong input count, buffer too small, ...).
    case misuse(String)
    /// Allocation refused or a size beyond the configured limits.
    case noMemory(String)
    /// The progress callback asked to stop.
    case cancelled

    public var description: String {
        switch self {
        case .badImage(let input, let problem): return "\(input): \(problem)"
        case .badParameter(let name, let problem): return "\(name): \(problem)"
        case .failure(let message), .misuse(let message), .noMemory(let message): return message
        case .cancelled: return "cancelled"
        }
    }
}
