/// The memory a run may plan for (`--max-memory`, the C ABI's "max-memory"): a DIP filter
/// compares its net's planned buffers with it before allocating anything and works in tiles
/// above it (`TilePlan`); a plan that cannot fit even in tiles fails as `out of memory`
/// (`DIP_NOMEM`), rather than be killed by the kernel or abort in an allocation. It can never
/// exceed `MemoryLimit.bytes`, the process's own limit.
public enum MemoryBudget {
    /// The default budget: the smaller of `defaultCap` and half of `MemoryLimit.bytes` (the
    /// process's limit: physical memory, `ulimit -v`, the cgroup's `memory.max`). The rest is for
    /// what a plan does not count (the images a chain holds, OpenBLAS's buffers, the program) and
    /// for the machine's other work; a fit larger than the budget runs in tiles (`TilePlan`).
    public static var defaultBytes: Int { min(defaultCap, MemoryLimit.bytes / 2) }

    /// The default budget's ceiling: 4 GiB (a paper-net fit of 512×512 needs about 2).
    public static let defaultCap = 4 << 30

    /// The default in words, for help texts.
    public static let defaultText = "the smaller of \(describe(defaultCap)) and half of the process's memory limit"

    /// A size as users write it: a plain decimal number of bytes with an optional binary unit,
    /// `K`, `M`, `G` or `T` (powers of 1024, as `ulimit` and container limits use), optionally
    /// followed by `B` or `iB`, in either case: `4G`, `800M`, `1.5GiB`, `65536`. Nil for anything
    /// else (hexadecimal, exponents, signs, blanks inside, a value above `Int.max`).
    public static func parse(_ text: String) -> Int? {
        var s = Array(ParameterText.trimmed(text).lowercased().utf8)
        var needsUnit = false
        if s.last == UInt8(ascii: "b") {
            s.removeLast()
            if s.last == UInt8(ascii: "i") { s.removeLast(); needsUnit = true }
        }
        var unit = 1
        if let last = s.last, let power = Array("kmgt".utf8).firstIndex(of: last) {
            unit = 1 << (10 * (power + 1))
            s.removeLast()
        } else if needsUnit {
            return nil
        }
        let point = s.firstIndex(of: UInt8(ascii: "."))
        let whole = s[..<(point ?? s.endIndex)], fraction = point.map { s[(s.index(after: $0))...] } ?? []
        func isDigits(_ d: ArraySlice<UInt8>) -> Bool { d.allSatisfy { (48...57).contains($0) } }
        guard !whole.isEmpty, isDigits(whole), isDigits(fraction), point == nil || !fraction.isEmpty,
              let value = Double(String(decoding: s, as: UTF8.self)) else { return nil }
        let bytes = (value * Double(unit)).rounded(.down)
        guard bytes < 9.2e18 else { return nil }
        return Int(bytes)
    }

    /// Checks a requested budget against the process's limit; `name` is how the caller spelled
    /// the setting. Returns the budget in bytes.
    public static func validate(_ text: String, name: String) throws -> Int {
        guard let bytes = parse(text) else {
            throw DipError.badParameter(name, "'\(text)' is not a size (bytes, or a number with K, M, G or T: 800M, 4G)")
        }
        guard bytes > 0 else { throw DipError.badParameter(name, "must be positive") }
        let limit = MemoryLimit.bytes
        guard bytes <= limit else {
            throw DipError.badParameter(name, "\(describe(bytes)) is above this process's memory limit of \(describe(limit)) (physical memory, ulimit -v, cgroup memory.max)")
        }
        return bytes
    }

    /// `bytes` for messages: GiB with one decimal at or above 1 GiB, else MiB, else bytes.
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return oneDecimal(Double(bytes) / Double(1 << 30)) + " GiB" }
        if bytes >= 1 << 20 { return oneDecimal(Double(bytes) / Double(1 << 20)) + " MiB" }
        return "\(bytes) bytes"
    }

    /// One decimal, as `%.1f` prints it (FilterAPI has no `String(format:)`): `x` is a byte
    /// count (below 2^53) over a power of two, so `x * 10` is exact and rounding it half-to-even
    /// is what printf does with the exact binary value.
    private static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded(.toNearestOrEven))
        return "\(tenths / 10).\(tenths % 10)"
    }
}
