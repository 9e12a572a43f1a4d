/// Typed parameter declarations: a filter declares each parameter once — name, type, range,
/// default, help — as a `Parameter` (always has a value) or an `OptionalParameter` (may be absent),
/// lists their `spec`s as its `parameters`, and reads typed values with `ParameterValues.value(_:)`.
/// The CLI flags, `dip-pipe help`, the C catalog and the GIMP dialog all derive from the same specs,
/// and a filter never repeats a range or a default in code: values arrive validated.

/// A Swift type a parameter value can have.
public protocol ParameterValueConvertible: Sendable {
    init?(parameterValue: ParameterValue)
    var parameterValue: ParameterValue { get }
}

extension Int: ParameterValueConvertible {
    public init?(parameterValue v: ParameterValue) { if case .int(let x) = v { self = x } else { return nil } }
    public var parameterValue: ParameterValue { .int(self) }
}
extension Double: ParameterValueConvertible {
    public init?(parameterValue v: ParameterValue) { if case .double(let x) = v { self = x } else { return nil } }
    public var parameterValue: ParameterValue { .double(self) }
}
extension Bool: ParameterValueConvertible {
    public init?(parameterValue v: ParameterValue) { if case .bool(let x) = v { self = x } else { return nil } }
    public var parameterValue: ParameterValue { .bool(self) }
}
extension String: ParameterValueConvertible {
    public init?(parameterValue v: ParameterValue) { if case .string(let x) = v { self = x } else { return nil } }
    public var parameterValue: ParameterValue { .string(self) }
}

/// A word parameter's values as a Swift enum (`case fast, paper`): the declaration's word list is
/// the enum's cases, in order.
public protocol ParameterChoice: ParameterValueConvertible, RawRepresentable, CaseIterable where RawValue == String {}

public extension ParameterChoice {
    init?(parameterValue v: ParameterValue) {
        guard case .string(let word) = v else { return nil }
        self.init(rawValue: word)
    }
    var parameterValue: ParameterValue { .string(rawValue) }
    static var words: [String] { allCases.map(\.rawValue) }
}

/// A declared parameter that always has a value: the one given, else `defaultValue`.
public struct Parameter<Value: ParameterValueConvertible>: Sendable {
    public let spec: ParameterSpec
    public let defaultValue: Value
    public var name: String { spec.name }

    init(_ name: String, _ kind: ParameterKind, default value: Value, help: String) {
        spec = ParameterSpec(name, kind, default: value.parameterValue, help: help)
        defaultValue = value
    }
}

/// A declared parameter that may be absent: the filter decides what its absence means, and
/// `defaultNote` says so in words (help, C catalog and GIMP dialog show it).
public struct OptionalParameter<Value: ParameterValueConvertible>: Sendable {
    public let spec: ParameterSpec
    public var name: String { spec.name }

    init(_ name: String, _ kind: ParameterKind, defaultNote: String?, required: Bool = false, help: String) {
        spec = ParameterSpec(name, kind, defaultNote: defaultNote, required: required, help: help)
    }
}

public extension Parameter where Value == Int {
    static func int(_ name: String, _ range: ClosedRange<Int>, default value: Int, help: String) -> Self {
        Self(name, .int(range), default: value, help: help)
    }
}
public extension Parameter where Value == Double {
    static func number(_ name: String, _ range: ClosedRange<Double>, default value: Double, help: String) -> Self {
        Self(name, .double(range), default: value, help: help)
    }
}
public extension Parameter where Value == Bool {
    static func bool(_ name: String, default value: Bool, help: String) -> Self {
        Self(name, .bool, default: value, help: help)
    }
}
public extension Parameter where Value: ParameterChoice {
    static func choice(_ name: String, default value: Value, help: String) -> Self {
        Self(name, .choice(Value.words), default: value, help: help)
    }
    /// A choice among some of the enum's cases (in the order given; `value` must be one).
    static func choice(_ name: String, among values: [Value], default value: Value, help: String) -> Self {
        Self(name, .choice(values.map(\.rawValue)), default: value, help: help)
    }
}

public extension OptionalParameter where Value == Int {
    static func int(_ name: String, _ range: ClosedRange<Int>, defaultNote: String? = nil, help: String) -> Self {
        Self(name, .int(range), defaultNote: defaultNote, help: help)
    }
    /// A whole number the user must give: the filter refuses to run without it.
    static func requiredInt(_ name: String, _ range: ClosedRange<Int>, help: String) -> Self {
        Self(name, .int(range), defaultNote: nil, required: true, help: help)
    }
}
public extension OptionalParameter where Value == Double {
    static func number(_ name: String, _ range: ClosedRange<Double>, defaultNote: String? = nil, help: String) -> Self {
        Self(name, .double(range), defaultNote: defaultNote, help: help)
    }
}
public extension OptionalParameter where Value == String {
    static func text(_ name: String, defaultNote: String? = nil, help: String) -> Self {
        Self(name, .string, defaultNote: defaultNote, help: help)
    }
    /// A second image (a file path on the command line), or one of `keywords`; required.
    static func image(_ name: String, keywords: [String] = [], help: String) -> Self {
        Self(name, .image(keywords: keywords), defaultNote: nil, required: true, help: help)
    }
}

public extension ParameterValues {
    /// The value given, else the declared default.
    func value<V>(_ p: Parameter<V>) -> V { given(p.name).flatMap(V.init(parameterValue:)) ?? p.defaultValue }

    /// The value given, or nil.
    func value<V>(_ p: OptionalParameter<V>) -> V? { given(p.name).flatMap(V.init(parameterValue:)) }
}
