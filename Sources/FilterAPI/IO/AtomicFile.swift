#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import CFiles

/// Writes files so that a reader never sees half of one: the bytes go to an unnamed (else a
/// temporary) file in the same directory, which is renamed over the destination only once fully
/// written and synced.
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

    /// A file being written: an unnamed file beside `path` that `commit()` names and renames into
    /// place and `discard()` drops. Used directly when the content is streamed (several images).
    ///
    /// The file has no name until it is complete (Linux `O_TMPFILE`, named by `linkat` at commit),
    /// so not even SIGKILL leaves a temporary behind. Where the filesystem cannot do that, it is a
    /// named `.NAME.dip-PID-XXXXXX` temporary, and creating one first removes those left by dip
    /// processes that no longer run.
    ///
    /// What `path` names decides how: a regular file, or nothing yet, is replaced atomically; a
    /// symlink's target is (the link stays a link); a device, FIFO or socket — `/dev/null`, a
    /// named pipe, `/dev/stdout` — is written into directly, since renaming a file over it would
    /// replace the node itself (as root, `--output /dev/null` did).
    public final class Pending {
        public let path: String
        public let fileDescriptor: Int32
        /// True when `path` is written into directly (a device, FIFO or socket): there is nothing
        /// to publish or remove, and what was written stays written.
        public var writesInPlace: Bool { if case .inPlace = storage { return true } else { return false } }
        private enum Storage {
            case inPlace
            /// An O_TMPFILE file in `directory`.
            case unnamed(directory: String)
            /// A named temporary (the fallback).
            case named(tempPath: String)
        }
        private let storage: Storage
        /// The file the result is renamed onto: `path`, or the file its symlink points to.
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
                storage = .inPlace
                destination = path
                return
            }
            destination = AtomicFile.resolvingSymlinks(path)
            let url = URL(fileURLWithPath: destination)
            let parent = url.deletingLastPathComponent().path
            let dir = parent.isEmpty ? "." : parent
            let unnamed = dip_open_tmpfile(dir)
            if unnamed >= 0 {
                fileDescriptor = unnamed
                storage = .unnamed(directory: dir)
                return
            }
            let prefix = ".\(url.lastPathComponent).dip-"
            AtomicFile.removeStaleTemporaries(in: dir, prefix: prefix)
            var template = Array("\(dir)/\(prefix)\(getpid())-XXXXXX".utf8CString)
            // The template is a non-empty C string, so baseAddress is never nil.
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw DipError.failure("\(path): cannot create a temporary file (\(String(cString: strerror(errno))))")
            }
            fileDescriptor = fd
            storage = .named(tempPath: String(cString: template))
        }

        /// Cuts the file back to its first `length` bytes (what a stream stopped mid-image keeps:
        /// the complete images); nothing for a device or FIFO, whose bytes are gone already.
        public func truncate(to length: Int) {
            guard open, !writesInPlace else { return }
            _ = ftruncate(fileDescriptor, off_t(length))
        }

        /// Syncs, closes, and renames the file to the destination (mode 0644 less the umask); a
        /// device or FIFO written into directly is only closed.
        public func commit() throws {
            guard open else { return }
            open = false
            let fd = fileDescriptor
            /// The error for the failed call just made (errno), after closing the file if it is
            /// still open and removing `temp`.
            func fail(_ what: String, removing temp: String?, closing: Bool) -> DipError {
                let reason = String(cString: strerror(errno))
                if let temp { unlink(temp) }
                if closing { close(fd) }
                return DipError.failure("\(path): \(what) (\(reason))")
            }
            switch storage {
            case .inPlace:
                guard close(fd) == 0 else { throw fail("write failed", removing: nil, closing: false) }
                return
            case .unnamed(let directory):
                fchmod(fd, 0o644 & ~AtomicFile.umaskValue)
                guard fsync(fd) == 0 else { throw fail("write failed", removing: nil, closing: true) }
                // linkat cannot replace a file, so the complete file gets a fresh name first and
                // is renamed over the destination from there (a rename is atomic; the fresh name
                // exists only between these two calls).
                var linked: String?
                for attempt in 0..<100 {
                    let name = "\(directory)/.\(URL(fileURLWithPath: destination).lastPathComponent).dip-\(getpid())-\(attempt)"
                    if dip_link_tmpfile(fd, name) == 0 { linked = name; break }
                    guard errno == EEXIST else { break }
                }
                guard let linked else { throw fail("cannot give the output file its name", removing: nil, closing: true) }
                guard rename(linked, destination) == 0 else {
                    throw fail("cannot rename the temporary file into place", removing: linked, closing: true)
                }
                close(fd)
            case .named(let tempPath):
                fchmod(fd, 0o644 & ~AtomicFile.umaskValue)
                fsync(fd)
                guard close(fd) == 0 else { throw fail("write failed", removing: tempPath, closing: false) }
                guard rename(tempPath, destination) == 0 else {
                    throw fail("cannot rename the temporary file into place", removing: tempPath, closing: false)
                }
            }
        }

        /// Closes and drops the file; `path` is left as it was (a device or FIFO written into
        /// directly keeps what was written).
        public func discard() {
            guard open else { return }
            open = false
            close(fileDescriptor)
            if case .named(let tempPath) = storage { unlink(tempPath) }
        }

        deinit { discard() }
    }

    /// Removes `prefix`PID-XXXXXX files in `dir` whose dip process (PID) no longer runs: the
    /// named temporaries of runs killed with SIGKILL where O_TMPFILE was unavailable.
    static func removeStaleTemporaries(in dir: String, prefix: String) {
        guard let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix(prefix) else { continue }
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink("\(dir)/\(name)") }
        }
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
