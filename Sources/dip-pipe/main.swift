import ArgumentParser
import FilterAPI

// dip-pipe's grammar is `dip-pipe [global options] FILTER [--param value]... [! FILTER ...]`, whose
// filter parameters are declared by the filters at run time, so the top level dispatches by hand:
// the fixed subcommands (list, help, compare) are ArgumentParser commands, and everything else is a
// `RunCommand` whose trailing arguments are the filter chain.
Termination.start()
StandardError.ignoreBrokenPipes()
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "list":
    ListCommand.main(Array(arguments.dropFirst()))
case "help":
    HelpCommand.main(Array(arguments.dropFirst()))
case "compare":
    CompareCommand.main(Array(arguments.dropFirst()))
case "--version":
    print("dip-pipe \(DipVersion.string)")
case nil, "-h", "--help":
    print(RunCommand.helpMessage(columns: nil))
    print(Usage.filtersAndCommands)
default:
    RunCommand.main(arguments)
}
