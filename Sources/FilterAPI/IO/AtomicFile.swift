import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// same directory, which is renamed over the destination only once fully written and synced.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let template = (dir.isEmpty ? "." : dir) + "/.\(url.lastPathComponent).dip-XXXXXX"
        var templateBytes = Array(template.utf8CString)
        let fd = templateBytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DipError.failure("\(path): cannot create a temporary file (\(String(cString: strerror(errno))))")
        }
        let tempPath = String(cString: templateBytes)
        var ok = false
        defer {
            if !ok { unlink(tempPath) }
        }
        do {
            try writeAll(fd: fd, bytes, name: path)
            fsync(fd)
            fchmod(fd, 0o644 & ~currentUmask())
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw DipError.failure("\(path): write failed (\(String(cString: strerror(errno))))") }
        guard rename(tempPath, path) == 0 else {
            throw DipError.failure("\(path): cannot rename temporary file into place (\(String(cString: strerror(errno))))")
        }
        ok = true
    }

    /// Writes every byte to `fd`, retrying short writes and EINTR.
    public static func writeAll(fd: Int32, _ bytes: [UInt8], name: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DipError.failure("\(name): write failed (\(String(cString: strerror(errno))))")
                }
                offset += n
            }
        }
    }

    private static func currentUmask() -> mode_t {
        let old = umask(0)
        umask(old)
        return old
    }
}
