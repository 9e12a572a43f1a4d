import FilterAPI

/// `--max-pixels`: the largest image accepted or produced, bounded by what this process can hold
/// (`MemoryLimit`), so that a size from the command line or an image header is refused with a
/// message instead of an allocation that aborts.
enum MaxPixels {
    static var `default`: Int { MemoryLimit.defaultMaxPixels }

    static func validate(_ value: Int) throws {
        guard value > 0 else { throw DipError.badParameter("--max-pixels", "must be positive") }
        let largest = MemoryLimit.largestImagePixels
        guard value <= largest else {
            throw DipError.badParameter("--max-pixels", "\(value) is above this process's limit of \(largest) pixels (its memory limit of \(MemoryLimit.bytes) bytes / \(MemoryLimit.bytesPerPixel) bytes per pixel)")
        }
    }
}
