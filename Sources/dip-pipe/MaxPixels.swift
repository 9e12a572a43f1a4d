import FilterAPI

/// `--max-pixels`: the largest image accepted or produced, bounded by what this process can hold
/// (`MemoryLimit`), so that a size from the command line or an image header is refused with a
/// message instead of an allocation that aborts.
enum MaxPixels {
    static var `default`: Int { MemoryLimit.defaultMaxPixels }

    static func validate(_ value: Int) throws {
        try MemoryLimit.validateMaxPixels(value, name: "--max-pixels")
    }
}
