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
    ///
    /// What `path` names decides how: a regular file, or nothing yet, is replaced atomically; a
    /// symlink's target is (the link stays a link); a device, FIFO or socket — `/dev/null`, a
    /// named pipe, `/dev/stdout` — is written into directly, since renaming a file over it would
    /// replace the node itself (as root, `--output /dev/null` did).
    public final class Pending {
        public let path: String
        public let fileDescriptor: Int32
        /// The temporary file's path (e.g. for a signal handler that removes it on interrupt); nil
        /// when `path` is written into directly.
        public let tempPath: String?
        /// The file the temporary is renamed onto: `path`, or the file its symlink points to.
        private let destination: String
        private var open = true

        public init(path: String) throws {
            self.path = path
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG, (st.st_mode & S_IFMT) != S_IFDIR {
                let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    throw DipError.failure("\(path): cannot open for writing (\(String(cString: strerror(errno))))")
                }
                fileDescriptor = fd
                tempPath = nil
                destination = path
                return
            }
            destination = AtomicFile.resolvingSymlinks(path)
            let url = URL(fileURLWithPath: destination)
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

        /// Syncs, closes, and renames the temporary file to the destination (mode 0644 less the
        /// umask); a device or FIFO written into directly is only closed.
        public func commit() throws {
            guard open else { return }
            open = false
            guard let tempPath else {
                guard close(fileDescriptor) == 0 else {
                    throw DipError.failure("\(path): write failed (\(String(cString: strerror(errno))))")
                }
                return
            }
            fchmod(fileDescriptor, 0o644 & ~AtomicFile.umaskValue)
            fsync(fileDescriptor)
            guard close(fileDescriptor) == 0 else {
                unlink(tempPath)
                throw DipError.failure("\(path): write failed (\(String(cString: strerror(errno))))")
            }
            guard rename(tempPath, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(tempPath)
                throw DipError.failure("\(path): cannot rename the temporary file into place (\(reason))")
            }
        }

        /// Closes and removes the temporary file; `path` is left as it was (a device or FIFO
        /// written into directly keeps what was written).
        public func discard() {
            guard open else { return }
            open = false
            close(fileDescriptor)
            if let tempPath { unlink(tempPath) }
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

    /// `path` with its symlinks followed to the file they name (which need not exist yet), at
    /// most 40 links deep as the kernel allows; `path` itself when it is no symlink.
    static func resolvingSymlinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target).path
        }
        return current
    }

    static let umaskValue: mode_t = { let m = umask(0); umask(m); return m }()
}
