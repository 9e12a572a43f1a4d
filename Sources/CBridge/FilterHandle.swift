#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FilterAPI

/// What a `dip_filter *` points to: a parsed chain, the run's seed, and the handle's last error.
///
/// A handle whose `dip_filter_new` failed has no chain and only carries the message (the
/// sqlite3_open pattern), so the caller can always read why. Handles are not locked: dip.h asks for
/// one call at a time per handle, and different handles share nothing mutable.
final class FilterHandle {
    private(set) var chain: Chain?
    /// Seed used when no stage declares its own `seed` parameter.
    var seed: UInt64 = 0
    /// The largest image read or produced ("max-pixels"; as dip-pipe's `--max-pixels`).
    var maxPixels = MemoryLimit.defaultMaxPixels
    /// The memory budget of a run in bytes ("max-memory"; as dip-pipe's `--max-memory`).
    var maxMemory = MemoryBudget.defaultBytes
    /// Each stage's memory of the previous `dip_filter_run` and its output (warm starts, deflicker);
    /// nil with "temporal" and "deflicker" both off.
    private(set) var frames: ChainMemory?
    private var message: UnsafeMutablePointer<CChar>?

    /// Why `dip_filter_new` failed, for a handle that holds only that failure.
    private let failure: String?

    init(chain: Chain) {
        self.chain = chain; failure = nil
        frames = ChainMemory(stages: chain.filters.count)
        clearError()
    }

    init(failure: String) { chain = nil; self.failure = failure; setError(failure) }

    deinit { free(message) }

    /// The current message as a C string (valid until the next call on this handle).
    var errorMessage: UnsafePointer<CChar> {
        if let message { return UnsafePointer(message) }
        return FilterHandle.noMemoryText
    }

    private static let noMemoryText = StaticCString.literal("out of memory (no room for the error message)")

    func setError(_ text: String) {
        free(message)
        message = text.withCString { strdup($0) }
    }

    func clearError() { setError("not an error") }

    /// Runs `body`, turning a thrown error into its code and this handle's message.
    func call(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            clearError()
            return ResultCode.ok
        } catch {
            let (code, text) = ResultCode.of(error)
            setError(text)
            return code
        }
    }

    /// The chain, or a misuse error for a handle that only holds a `dip_filter_new` failure.
    func requireChain() throws -> Chain {
        guard let chain else {
            throw DipError.misuse("this dip_filter holds only a failed dip_filter_new (\(failure ?? "")); free it")
        }
        return chain
    }

    /// `dip_filter_set`. Any change makes the next run start fresh: the filters' state belongs to
    /// the settings it was fitted with.
    func set(_ rawName: String, _ value: String) throws {
        try change(rawName, value)
        frames?.reset()
    }

    /// A parameter of the first stage that declares it, or of the stage named by a "N." (1-based)
    /// or "filter." prefix; plain "seed", "max-pixels", "max-memory", "temporal" or "deflicker" with
    /// no stage declaring it sets the run's `seed`, `maxPixels`, `maxMemory`, warm starts or deflicker.
    private func change(_ rawName: String, _ value: String) throws {
        let chain = try requireChain()
        var name = rawName.hasPrefix("--") ? String(rawName.dropFirst(2)) : rawName
        var stages = Array(chain.filters.indices)
        if let dot = name.firstIndex(of: ".") {
            let qualifier = String(name[..<dot])
            name = String(name[name.index(after: dot)...])
            if let n = Int(qualifier) {
                guard n >= 1, n <= chain.filters.count else {
                    throw DipError.badParameter(rawName, "stage \(n) does not exist (the chain has \(chain.filters.count))")
                }
                stages = [n - 1]
            } else {
                stages = stages.filter { chain.filters[$0].name == qualifier }
                guard !stages.isEmpty else {
                    throw DipError.badParameter(rawName, "no stage is filter '\(qualifier)'")
                }
            }
        }
        guard !name.isEmpty else { throw DipError.badParameter(rawName, "empty parameter name") }
        if let stage = stages.first(where: { chain.filters[$0].values.spec(name) != nil }) {
            var filters = chain.filters
            filters[stage] = try filters[stage].setting(name, text: value)
            self.chain = Chain(filters)
            return
        }
        if name == "seed", stages.count == chain.filters.count {
            guard let s = UInt64(ParameterText.trimmed(value)) else {
                throw DipError.badParameter("seed", "'\(value)' is not a whole number >= 0")
            }
            seed = s
            return
        }
        if name == "max-pixels", stages.count == chain.filters.count {
            guard let n = Int(ParameterText.trimmed(value)) else {
                throw DipError.badParameter("max-pixels", "'\(value)' is not a whole number")
            }
            try MemoryLimit.validateMaxPixels(n, name: "max-pixels")
            maxPixels = n
            return
        }
        if name == "max-memory", stages.count == chain.filters.count {
            maxMemory = try MemoryBudget.validate(value, name: "max-memory")
            return
        }
        if name == "temporal" || name == "deflicker", stages.count == chain.filters.count {
            let on = try ChainMemory.switchSetting(value, name: name)
            let warm = name == "temporal" ? on : frames?.warmStarts ?? false
            let steady = name == "deflicker" ? on : frames?.deflicker ?? false
            frames = warm || steady ? ChainMemory(stages: chain.filters.count, warmStarts: warm, deflicker: steady) : nil
            return
        }
        let names = stages.map { chain.filters[$0].name }.joined(separator: ", ")
        throw DipError.badParameter(rawName, "unknown parameter (not declared by \(names))")
    }
}
