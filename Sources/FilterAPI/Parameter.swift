/// The type of a filter parameter, with its allowed range where it has one.
public enum ParameterKind: Equatable, Sendable {
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case bool
    /// One of a fixed set of words.
    case choice([String])
    /// Free text.
    case string
    /// A second image the filter needs (a mask, a flash image). On the command line the value is a
    /// file path; through the C ABI the image is passed as an extra input. `keywords` are values that
    /// mean "no separate image" (e.g. `alpha` for a mask taken from the image's own alpha).
    case image(keywords: [String])

    /// A short word for help text: `int`, `number`, `bool`, `word`, `text`, `file`.
    public var typeName: String {
        switch self {
        case .int: return "int"
        case .double: return "number"
        case .bool: return "bool"
        case .choice: return "word"
        case .string: return "text"
        case .image: return "file"
        }
    }

    /// The allowed values as help text shows them ("1...100", "png|jpeg"), or nil.
    public var rangeText: String? {
        switch self {
        case .int(let r): return "\(r.lowerBound)...\(r.upperBound)"
        case .double(let r): return "\(ParameterValue.format(r.lowerBound))...\(ParameterValue.format(r.upperBound))"
        case .choice(let words): return words.joined(separator: "|")
        case .image(let keywords): return keywords.isEmpty ? nil : "FILE|" + keywords.joined(separator: "|")
        case .bool, .string: return nil
        }
    }
}

/// A parameter value after parsing and validation.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return ParameterValue.format(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return v
        }
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// One declared parameter: the single source the CLI flags, `dip-pipe help`, and the C ABI's
/// `dip_filter_set` all derive from.
public struct ParameterSpec: Sendable {
    /// Name without dashes, e.g. `sigma`; on the command line `--sigma`.
    public let name: String
    public let kind: ParameterKind
    /// nil means the parameter is optional with no default value (the filter decides, e.g. from a
    /// preset or the image; `defaultNote` then says how).
    public let defaultValue: ParameterValue?
    /// In words, what an absent optional parameter means ("the preset's: fast 1200, paper 3000").
    public let defaultNote: String?
    /// No value is assumed: the filter refuses to run without one (`sr --scale`, `inpaint --mask`).
    public let isRequired: Bool
    public let help: String

    public init(_ name: String, _ kind: ParameterKind, default defaultValue: ParameterValue? = nil,
                defaultNote: String? = nil, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.defaultNote = defaultValue == nil && !required ? defaultNote : nil
        self.isRequired = defaultValue == nil && required
        self.help = help
    }

    /// The default as help text shows it: the value, or the note in words, or nil.
    public var defaultText: String? { defaultValue?.description ?? defaultNote }

    /// The help text with what an absent value means appended when that is only said in words
    /// (for the C catalog, whose default field carries values only).
    public var helpWithDefaultNote: String {
        if isRequired { return "\(help) (required)" }
        guard let defaultNote else { return help }
        return "\(help) (default: \(defaultNote))"
    }

    /// Parses and validates a textual value (from argv or `dip_filter_set`).
    public func parse(_ text: String) throws -> ParameterValue {
        let bad = { (why: String) in DipError.badParameter("--\(name)", why) }
        switch kind {
        case .int(let range):
            guard let v = Int(ParameterText.trimmed(text)) else {
                throw bad("'\(text)' is not a whole number")
            }
            guard range.contains(v) else { throw bad("\(v) is out of range \(range.lowerBound)...\(range.upperBound)") }
            return .int(v)
        case .double(let range):
            guard let v = ParameterText.decimal(ParameterText.trimmed(text)) else {
                throw bad("'\(text)' is not a finite decimal number")
            }
            guard range.contains(v) else {
                throw bad("\(text) is out of range \(kind.rangeText ?? "")")
            }
            return .double(v)
        case .bool:
            switch text.lowercased() {
            case "1", "true", "yes", "on": return .bool(true)
            case "0", "false", "no", "off": return .bool(false)
            default: throw bad("'\(text)' is not true or false")
            }
        case .choice(let words):
            guard words.contains(text) else { throw bad("'\(text)' is not one of \(words.joined(separator: ", "))") }
            return .string(text)
        case .string, .image:
            guard !text.isEmpty else { throw bad("empty value") }
            return .string(text)
        }
    }
}

/// The values of one filter's parameters: what the user set, then the declared defaults.
public struct ParameterValues: Sendable {
    public let specs: [ParameterSpec]
    private var values: [String: ParameterValue] = [:]

    public init(specs: [ParameterSpec]) { self.specs = specs }

    public func spec(_ name: String) -> ParameterSpec? { specs.first { $0.name == name } }

    /// Sets a parameter from text, validating name and value.
    public mutating func set(_ name: String, text: String) throws {
        guard let spec = spec(name) else {
            let hint = Suggestion.question(for: name, among: specs.map(\.name), prefix: "--")
            throw DipError.badParameter("--\(name)", "unknown parameter" + (hint.map { " (\($0))" } ?? ""))
        }
        values[name] = try spec.parse(text)
    }

    public mutating func set(_ name: String, _ value: ParameterValue) { values[name] = value }

    /// Whether the user gave this parameter explicitly.
    public func isSet(_ name: String) -> Bool { values[name] != nil }

    /// The value set, else the default, else nil.
    public subscript(name: String) -> ParameterValue? { values[name] ?? spec(name)?.defaultValue }

    /// The value set, ignoring defaults.
    func given(_ name: String) -> ParameterValue? { values[name] }

    public func int(_ name: String) -> Int? {
        switch self[name] { case .int(let v): return v; case .double(let v): return Int(v); default: return nil }
    }
    public func double(_ name: String) -> Double? {
        switch self[name] { case .double(let v): return v; case .int(let v): return Double(v); default: return nil }
    }
    public func bool(_ name: String) -> Bool? {
        if case .bool(let v) = self[name] { return v }
        return nil
    }
    public func string(_ name: String) -> String? {
        if case .string(let v) = self[name] { return v }
        return nil
    }
}

/// The one rule for blanks around a parameter's text, wherever it comes from (argv, a C caller's
/// `dip_filter_set`, a spec string): leading and trailing blanks are ignored, line breaks are not.
public enum ParameterText {
    /// `text` without the leading and trailing scalars of Foundation's `CharacterSet.whitespaces`
    /// (U+0009 TAB, the space separators of Unicode category Zs, and U+200B ZERO WIDTH SPACE, which
    /// Foundation's set also holds); line breaks are kept. The same result as
    /// `text.trimmingCharacters(in: .whitespaces)`, which FilterAPI used before it stopped
    /// importing Foundation.
    public static func trimmed(_ text: String) -> String {
        func isBlank(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// `text` as a plain decimal number — digits, an optional point and fraction, an optional
    /// exponent (`-0.5`, `25`, `1e-3`) — or nil. Swift's `Double(_:)` also takes hexadecimal
    /// (`0x10` = 16), `inf`, `nan` and silently rounds `1e-400` to 0; none of those is what a user
    /// typing a σ or a learning rate means, so all are refused, as are results that overflow or
    /// underflow to zero from non-zero digits.
    public static func decimal(_ text: String) -> Double? {
        let u = Array(text.utf8)
        var i = 0
        func digits() -> Int { let start = i; while i < u.count, (48...57).contains(u[i]) { i += 1 }; return i - start }
        if i < u.count, u[i] == 43 || u[i] == 45 { i += 1 }          // + -
        let whole = digits()
        var fraction = 0
        if i < u.count, u[i] == 46 { i += 1; fraction = digits() }   // .
        guard whole + fraction > 0 else { return nil }
        let mantissaEnd = i
        if i < u.count, u[i] == 101 || u[i] == 69 {                   // e E
            i += 1
            if i < u.count, u[i] == 43 || u[i] == 45 { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == u.count, let v = Double(text), v.isFinite else { return nil }
        if v == 0, u[..<mantissaEnd].contains(where: { (49...57).contains($0) }) { return nil }  // underflow
        return v
    }
}
