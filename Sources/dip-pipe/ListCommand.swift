import ArgumentParser
import FilterAPI

/// `dip-pipe list`: one line per filter.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the filters.")

    @Flag(help: "Only the names, one per line.")
    var names = false

    func run() {
        let registry = Usage.registry
        let width = (registry.names.map(\.count).max() ?? 0) + 2
        for type in registry.types {
            print(names ? type.name : type.name.padding(toLength: width, withPad: " ", startingAt: 0) + type.summary)
        }
    }
}
