import ArgumentParser
import FilterAPI

/// `dip-pipe help FILTER`: the filter's parameters, straight from its declaration.
struct HelpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "help", abstract: "Show a filter's parameters.")

    @Argument(help: "A filter name (see `dip-pipe list`).")
    var filter: String?

    func run() throws {
        guard let name = filter else {
            print(Usage.fullHelp)
            return
        }
        guard let type = Usage.registry.type(named: name) else {
            throw Usage.registry.unknownFilter(name)
        }
        print(Self.text(for: type))
    }

    static func text(for type: any Filter.Type) -> String {
        var lines = ["\(type.name) — \(type.summary)"]
        if !type.details.isEmpty { lines += ["", type.details] }
        lines += ["", "USAGE: dip-pipe [global options] \(type.name)" + (type.parameters.isEmpty ? "" : " [parameters]")]
        if !type.parameters.isEmpty {
            lines += ["", "PARAMETERS:"]
            for p in type.parameters {
                var head = "  --\(p.name) <\(p.kind.typeName)>"
                if p.kind == .bool { head = "  --\(p.name) [true|false]" }
                var facts: [String] = []
                if let r = p.kind.rangeText { facts.append(r) }
                if let d = p.defaultValue { facts.append("default \(d)") }
                if let note = p.defaultNote { facts.append("default: \(note)") }
                if p.isRequired { facts.append("required") }
                lines.append(head)
                lines.append("        \(p.help)" + (facts.isEmpty ? "" : " (\(facts.joined(separator: "; ")))"))
            }
        }
        return lines.joined(separator: "\n")
    }
}
