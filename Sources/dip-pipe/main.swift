import ArgumentParser
import FilterAPI

// dip-pipe's grammar is `dip-pipe [global options] FILTER [--param value]... [! FILTER ...] [FILE]`,
// whose filter parameters are declared by the filters at run time, so the top level dispatches by
// hand: the fixed subcommands (list, help, compare) are ArgumentParser commands, and everything
// else is a `RunCommand` whose trailing arguments are the filter chain.
Termination.start()
StandardError.ignoreBrokenPipes()
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "list":
    CommandParsing.run(ListCommand.self, Array(arguments.dropFirst()))
case "help":
    CommandParsing.run(HelpCommand.self, Array(arguments.dropFirst()))
case "compare":
    CommandParsing.run(CompareCommand.self, Array(arguments.dropFirst()))
case "--version":
    print("dip-pipe \(DipVersion.string)")
case let flag? where Usage.helpFlags.contains(flag):
    print(Usage.fullHelp)
case nil:
    // Not the help text on stdout: `dip-pipe < in.png > out.png` would leave text in out.png.
    CLIError(.misuse("no filter given (see `dip-pipe --help`, or `dip-pipe list` for the filters)")).exit()
default:
    CommandParsing.run(RunCommand.self, arguments)
}
