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
        switch error {
        case .badParameter, .misuse: Foundation.exit(2)
        default: Foundation.exit(1)
        }
    }
}

/// Runs `body`, turning any DipError into a one-line message and a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch let error as DipError {
        CLIError(error).exit()
    } catch let error as CLIError {
        error.exit()
    } catch {
        CLIError(.failure(String(describing: error))).exit()
    }
}
