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

    /// The message, on one line, safe for a terminal and bounded: control characters — which
    /// reach messages through file names, parameter values and header bytes — are shown escaped
    /// (`\n`, `\t`, `\r`, else `\x1b` style), so no message spans lines or moves the cursor; a
    /// word of the input longer than `longestQuote` characters is cut there, and the whole message
    /// at `longestMessage` (a 1 MiB spec gave a 1 MiB message).
    public var description: String { Self.bounded(Self.escaped(rawDescription)) }

    /// Characters of one quoted word (a file name, a value, a spec token) kept in a message.
    public static let longestQuote = 200
    /// Characters of a whole message kept.
    public static let longestMessage = 1000

    private var rawDescription: String {
        switch self {
        case .badImage(let input, let problem): return "\(input): \(problem)"
        case .badParameter(let name, let problem): return "\(name): \(problem)"
        case .failure(let message), .misuse(let message), .noMemory(let message): return message
        case .cancelled: return "cancelled"
        }
    }

    /// `text` with every word longer than `longestQuote` cut, then the whole cut at `longestMessage`,
    /// each cut saying how much it left out.
    static func bounded(_ text: String) -> String {
        guard text.unicodeScalars.count > longestQuote else { return text }
        var out = String.UnicodeScalarView(), word = [Unicode.Scalar]()
        func flush() {
            if word.count > longestQuote {
                out.append(contentsOf: word[..<longestQuote])
                out.append(contentsOf: "…(\(word.count - longestQuote) more)".unicodeScalars)
            } else {
                out.append(contentsOf: word)
            }
            word.removeAll(keepingCapacity: true)
        }
        for u in text.unicodeScalars {
            if u == " " { flush(); out.append(u) } else { word.append(u) }
        }
        flush()
        guard out.count > longestMessage else { return String(out) }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: out.prefix(longestMessage))
        return String(kept) + "…(\(out.count - longestMessage) more)"
    }

    /// `text` with C0 and C1 control characters and DEL escaped.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where isControl(u):
                let hex = String(u.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7f...0x9f).contains(u.value) }
}
