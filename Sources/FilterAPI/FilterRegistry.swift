/// Filters by name. `Filters.standardRegistry` holds every filter dip ships.
public struct FilterRegistry {
    public private(set) var types: [any Filter.Type] = []

    public init(_ types: [any Filter.Type] = []) {
        for t in types { register(t) }
    }

    /// Adds a filter type; a later registration of the same name replaces the earlier one.
    public mutating func register(_ type: any Filter.Type) {
        types.removeAll { $0.name == type.name }
        types.append(type)
    }

    public var names: [String] { types.map { $0.name } }

    public func type(named name: String) -> (any Filter.Type)? { types.first { $0.name == name } }

    /// The error for a name no filter has, with the closest name where one is near.
    public func unknownFilter(_ name: String) -> DipError {
        .badParameter(name, "unknown filter (\(Suggestion.question(for: name, among: names) ?? "try `dip-pipe list`"))")
    }

    /// Builds a filter from its name and textual parameters, validating both.
    public func make(_ name: String, arguments: [(name: String, value: String)]) throws -> ConfiguredFilter {
        guard let type = type(named: name) else { throw unknownFilter(name) }
        var values = ParameterValues(specs: type.parameters)
        for (param, value) in arguments {
            do { try values.set(param, text: value) } catch DipError.badParameter(let p, let why) {
                throw DipError.badParameter("\(name) \(p)", why)
            }
        }
        return try ConfiguredFilter(type: type, values: values)
    }
}

/// A filter instance together with the parameter values it was built from (kept so the C ABI can
/// change one value and rebuild, and so extra-image parameters can be resolved to files).
public struct ConfiguredFilter {
    public let type: any Filter.Type
    public let values: ParameterValues
    public let filter: any Filter

    public init(type: any Filter.Type, values: ParameterValues) throws {
        self.type = type
        self.values = values
        do {
            self.filter = try type.init(parameters: values)
        } catch DipError.badParameter(let p, let why) where !p.hasPrefix(type.name) {
            throw DipError.badParameter("\(type.name) \(p)", why)
        }
    }

    public var name: String { type.name }

    /// Throws for the first required parameter not given (`sr --scale`, `inpaint --mask`): where
    /// parameters can only come with the chain (the command line), before any input is read.
    public func checkRequired() throws {
        guard let missing = type.parameters.first(where: { $0.isRequired && !values.isSet($0.name) }) else { return }
        let range = missing.kind.rangeText.map { ", \($0)" } ?? ""
        throw DipError.badParameter("\(name) --\(missing.name)", "required: \(missing.help)\(range)")
    }

    /// A copy with one parameter changed.
    public func setting(_ name: String, text: String) throws -> ConfiguredFilter {
        var v = values
        do { try v.set(name, text: text) } catch DipError.badParameter(let p, let why) {
            throw DipError.badParameter("\(type.name) \(p)", why)
        }
        return try ConfiguredFilter(type: type, values: v)
    }
}
