import ArgumentParser
import FilterAPI
import Foundation

/// Wraps a `DipError` so ArgumentParser prints exactly its one-line message and exits non-zero
/// (2 for bad parameters and usage, 1 for everything else).
struct CLIError: Error, CustomStringConvertible {
    let error: DipError
    init(_ error: DipError) { self.error = error }
    var description: String { error.description }
}

extension CLIError {
    /// Prints `dip-pipe: message` on stderr and exits with the error's status.
    func exit() -> Never {
        StandardError.write("dip-pipe: \(error.description)\n")
        Foundation.exit(status)
    }

    /// The exit status: 2 for usage errors and bad parameters, 1 for everything else.
    var status: Int32 {
        switch error {
        case .badParameter, .misuse: return 2
        default: return 1
        }
    }
}

extension CLIError {
    /// Any error as dip-pipe reports it.
    init(any error: Error) {
        switch error {
        case let e as DipError: self.init(e)
        case let e as CLIError: self = e
        default: self.init(.failure(String(describing: error)))
        }
    }
}

/// Runs `body`, turning any error into a one-line message and a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        CLIError(any: error).exit()
    }
}
