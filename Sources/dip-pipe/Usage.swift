import FilterAPI
import Filters

/// Help text shared by the commands.
enum Usage {
    static let registry = StandardFilters.registry

    /// What asks for help, alone or after a filter (`dip-pipe denoise --help`).
    static let helpFlags: Set<String> = ["-h", "--help", "-help"]

    /// `dip-pipe --help`: the global options, the commands and the filters.
    static var fullHelp: String { RunCommand.helpMessage(columns: nil) + "\n" + filtersAndCommands }

    static var filtersAndCommands: String {
        var lines = ["", "COMMANDS:",
                     "  list                    List the filters.",
                     "  help FILTER             Show a filter's parameters.",
                     "  compare A B             Print PSNR and SSIM of image A against B ('-' = stdin).",
                     "  --version               Print dip-pipe's version.",
                     "", "FILTERS:"]
        let width = (registry.names.map(\.count).max() ?? 0) + 2
        for type in registry.types {
            lines.append("  " + type.name.padding(toLength: width, withPad: " ", startingAt: 0) + type.summary)
        }
        lines.append("")
        lines.append("Chain filters in one process with a standalone '!': dip-pipe denoise ! sr --scale 4")
        return lines.joined(separator: "\n")
    }
}
