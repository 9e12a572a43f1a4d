import FilterAPI
import Filters

/// The filter list and parameter descriptions the C ABI publishes, as process-lifetime C strings.
///
/// Built once from `StandardFilters.registry` so `dip_filter_name` and the `dip_filter_param_*` calls
/// return stable pointers without allocating per call.
struct FilterCatalog: @unchecked Sendable {
    struct Parameter {
        let name, type, defaultValue, range, help: UnsafePointer<CChar>?
    }
    struct Entry {
        let name: String
        let cName: UnsafePointer<CChar>?
        let summary: UnsafePointer<CChar>?
        let parameters: [Parameter]
    }

    let registry: FilterRegistry
    let entries: [Entry]

    static let shared = FilterCatalog(registry: StandardFilters.registry)

    init(registry: FilterRegistry) {
        self.registry = registry
        entries = registry.types.map { type in
            Entry(name: type.name, cName: StaticCString.make(type.name),
                  summary: StaticCString.make(type.summary),
                  parameters: type.parameters.map { spec in
                      Parameter(name: StaticCString.make(spec.name),
                                type: StaticCString.make(spec.kind.typeName),
                                defaultValue: StaticCString.make(spec.defaultValue?.description ?? ""),
                                range: StaticCString.make(spec.kind.rangeText ?? ""),
                                help: StaticCString.make(spec.helpWithDefaultNote))
                  })
        }
    }

    func entry(named name: UnsafePointer<CChar>?) -> Entry? {
        guard let name else { return nil }
        let text = String(cString: name)
        return entries.first { $0.name == text }
    }

    func parameter(_ name: UnsafePointer<CChar>?, _ index: Int32) -> Parameter? {
        guard let entry = entry(named: name), index >= 0, Int(index) < entry.parameters.count else { return nil }
        return entry.parameters[Int(index)]
    }
}
