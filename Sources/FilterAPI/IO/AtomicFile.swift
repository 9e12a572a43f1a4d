#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// same directory, which is renamed over the destination only once fully written and synced.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let pending = try Pending(path: path)
        do {
            try writeAll(fd: pending.fileDescriptor, bytes, name: path)
            try pending.commit()
        } catch {
            pending.discard()
            throw error
        }
    }

    /// A file being written: a temporary file beside `path` that `commit()` renames into place
    /// and `discard()` removes. Used directly when the content is streamed (several images).
    public final class Pending {
        public let path: String
        public let fileDescriptor: Int32
        /// The temporary file's path (e.g. for a signal handler that removes it on interrupt).
        public let tempPath: String
        private var open = true

        public init(path: String) throws {
            self.path = path
            let url = URL(fileURLWithPath: path)
            let dir = url.deletingLastPathComponent().path
            var template = Array(((dir.isEmpty ? "." : dir) + "/.\(url.lastPathComponent).dip-XXXXXX").utf8CString)
            // The template is a non-empty C string, so baseAddress is never nil.
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw DipError.failure("\(path): cannot create a temporary file (\(String(cString: strerror(errno))))")
            }
            fileDescriptor = fd
            tempPath = String(cString: template)
        }

        /// Syncs, closes, and renames the temporary file to `path` (mode 0644 less the umask).
        public func commit() throws {
            guard open else { return }
            open = false
            fchmod(fileDescriptor, 0o644 & ~AtomicFile.umaskValue)
            fsync(fileDescriptor)
            guard close(fileDescriptor) == 0 else {
                unlink(tempPath)
                throw DipError.failure("\(path): write failed (\(String(cString: strerror(errno))))")
            }
            guard rename(tempPath, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(tempPath)
                throw DipError.failure("\(path): cannot rename the temporary file into place (\(reason))")
            }
        }

        /// Closes and removes the temporary file; `path` is left as it was.
        public func discard() {
            guard open else { return }
            open = false
            close(fileDescriptor)
            unlink(tempPath)
        }

        deinit { discard() }
    }

    /// Writes every byte to `fd`, retrying short writes and EINTR.
    public static func writeAll(fd: Int32, _ bytes: [UInt8], name: String) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DipError.failure("\(name): write failed (\(String(cString: strerror(errno))))")
                }
                offset += n
            }
        }
    }

    static let umaskValue: mode_t = { let m = umask(0); umask(m); return m }()
}
