#if canImport(Glibc)
import Glibc
#endif

/// The memory this process may use: the smallest of physical memory, its address-space limit
/// (`ulimit -v`, RLIMIT_AS) and its cgroup v2 `memory.max` (a container's limit). An allocation
/// above it does not fail cleanly in Swift — it aborts — so sizes that come from input are held
/// below it before anything is allocated.
public enum MemoryLimit {
    /// Bytes a pixel may cost at most while images are read, filtered and written: four channels
    /// of 4-byte floats, times four for the copies a chain holds at once (input, output and a
    /// filter's working planes).
    public static let bytesPerPixel = 64

    /// The process's memory limit in bytes.
    public static var bytes: Int {
        var limit = Int.max
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 { limit = pages.multipliedReportingOverflow(by: size).overflow ? Int.max : pages * size }
        var r = rlimit()   // RLIM_INFINITY is all ones: above Int.max
        if getrlimit(RLIMIT_AS_VALUE, &r) == 0, r.rlim_cur < UInt64(Int.max) {
            limit = min(limit, Int(r.rlim_cur))
        }
        if let cgroup = cgroupMax() { limit = min(limit, cgroup) }
        return limit
    }

    /// The largest image (width × height) this process can hold: `bytes / bytesPerPixel`.
    public static var largestImagePixels: Int { max(1, bytes / bytesPerPixel) }

    /// `FilterContext.defaultMaxPixels`, or less where the process cannot hold that much.
    public static var defaultMaxPixels: Int { min(FilterContext.defaultMaxPixels, largestImagePixels) }

    /// Checks a requested pixel limit (`--max-pixels`, the C ABI's "max-pixels") against what this
    /// process can hold; `name` is how the caller spelled the setting.
    public static func validateMaxPixels(_ value: Int, name: String) throws {
        guard value > 0 else { throw DipError.badParameter(name, "must be positive") }
        let largest = largestImagePixels
        guard value <= largest else {
            throw DipError.badParameter(name, "\(value) is above this process's limit of \(largest) pixels (its memory limit of \(bytes) bytes / \(bytesPerPixel) bytes per pixel)")
        }
    }

    /// The cgroup v2 limit of this process's group, if it has one ("max" is none).
    static func cgroupMax() -> Int? {
        guard let group = read("/proc/self/cgroup")?.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        let path = "/sys/fs/cgroup" + String(group.dropFirst(3)) + "/memory.max"
        guard let text = read(path)?.split(separator: "\n").first, let value = Int(text) else { return nil }
        return value
    }

    /// A small text file's contents (procfs and sysfs files report size 0, so read to the end).
    private static func read(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    #if os(Linux)
    private static let RLIMIT_AS_VALUE = __rlimit_resource_t(RLIMIT_AS.rawValue)
    #else
    private static let RLIMIT_AS_VALUE = RLIMIT_AS
    #endif
}
