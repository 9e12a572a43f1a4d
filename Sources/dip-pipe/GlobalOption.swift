import ArgumentParser

/// RunCommand's global options as ArgumentParser documents them (name, value placeholder, help),
/// read from its help text laid out one option per line, so the typo suggestions, the man page
/// and the shell completions list exactly the options the parser takes, in the same words.
struct GlobalOption {
    let name: String
    /// `<value>` for an option that takes one, nil for a flag.
    let value: String?
    let help: String

    static let all: [GlobalOption] = {
        var options: [GlobalOption] = []
        var inOptions = false
        var pending: [Substring]? = nil   // a label too long to share its line with the help
        func add(_ words: [Substring], _ help: Substring) {
            let words = words.map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
            guard let name = words.first(where: { $0.hasPrefix("--") }) else { return }
            options.append(GlobalOption(name: String(name), value: words.first { $0.hasPrefix("<") }.map(String.init),
                                        help: String(help)))
        }
        for line in RunCommand.helpMessage(columns: 100_000).split(separator: "\n") {
            if line.hasPrefix("OPTIONS:") { inOptions = true; continue }
            guard inOptions, line.hasPrefix("  ") else { if inOptions { break } else { continue } }
            // "  --seed <seed>   Seed for …", or "  --max-pixels <max-pixels>" with the help on the next line.
            let body = line.drop { $0 == " " }
            if let label = pending {
                add(label, body)
                pending = nil
            } else if let gap = body.range(of: "  ") {
                add(body[..<gap.lowerBound].split(separator: " "), body[gap.upperBound...].drop { $0 == " " })
            } else {
                pending = body.split(separator: " ")
            }
        }
        return options
    }()
}
