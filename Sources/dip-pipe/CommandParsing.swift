import ArgumentParser
import FilterAPI
import Foundation

/// Runs one of dip-pipe's ArgumentParser commands with dip-pipe's usage conventions rather than
/// ArgumentParser's: a help request prints to stdout and exits 0; a usage error (unknown option,
/// missing value, bad number) is one line `dip-pipe: …` on stderr with exit status 2 — the
/// status every other bad parameter gets (ArgumentParser's own is 64) — and nothing on stdout.
enum CommandParsing {
    static func run<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) -> Never {
        var command: C
        do {
            command = try C.parse(arguments)   // none of dip-pipe's commands has subcommands
        } catch {
            exitForParseError(C.self, error)
        }
        reportingErrors { try command.run() }
        exit(0)
    }

    private static func exitForParseError<C: ParsableCommand>(_ type: C.Type, _ error: Error) -> Never {
        if C.exitCode(for: error) == .success {   // --help, -h: what was asked for
            print(C.fullMessage(for: error))
            exit(0)
        }
        let message = C.message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        CLIError(.misuse(message)).exit()
    }
}
