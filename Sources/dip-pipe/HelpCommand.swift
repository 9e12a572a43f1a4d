import ArgumentParser
import FilterAPI

/// `dip-pipe help FILTER`: the filter's parameters, straight from its declaration.
struct HelpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "help", abstract: "Show a filter's parameters.")

    @Argument(help: "A filter name (see `dip-pipe list`).")
    var filter: String?

    @Flag(help: "Print the manual page dip-pipe(1) in roff, from the filters' declarations.")
    var man = false

    @Option(help: "Print a completion script for bash or zsh (knows the filters and their parameters).")
    var completion: String?

    func run() throws {
        if man { return print(ManPage.roff(), terminator: "") }
        if let shell = completion {
            guard let script = ShellCompletion.script(for: shell) else {
                throw DipError.badParameter("--completion", "'\(shell)' is not one of bash, zsh")
            }
            return print(script, terminator: "")
        }
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
                lines.append("  " + usage(of: p))
                lines.append("        \(p.help)" + (facts(of: p).map { " (\($0))" } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `--sigma <number>`, `--flag [true|false]`.
    static func usage(of p: ParameterSpec) -> String {
        p.kind == .bool ? "--\(p.name) [true|false]" : "--\(p.name) <\(p.kind.typeName)>"
    }

    /// "0...255; default: estimated from the image": the range, the default or what decides it.
    static func facts(of p: ParameterSpec) -> String? {
        var facts: [String] = []
        if let r = p.kind.rangeText { facts.append(r) }
        if let d = p.defaultValue { facts.append("default \(d)") }
        if let note = p.defaultNote { facts.append("default: \(note)") }
        if p.isRequired { facts.append("required") }
        return facts.isEmpty ? nil : facts.joined(separator: "; ")
    }
}
