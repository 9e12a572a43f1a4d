import FilterAPI
import Foundation

/// Where results go: stdout (each image written and flushed as soon as it is done), or a file that
/// appears, complete, only when `finish()` renames it into place.
final class OutputSink {
    private let path: String
    private let writer: ImageStreamWriter
    private let fd: Int32
    private let tempPath: String?

    init(path: String) throws {
        self.path = path
        if path == "-" {
            guard isatty(1) == 0 else {
                throw DipError.misuse("stdout is a terminal: redirect it or use --output FILE")
            }
            fd = 1
            tempPath = nil
            writer = ImageStreamWriter(fileDescriptor: 1, name: "stdout")
        } else {
            let url = URL(fileURLWithPath: path)
            let dir = url.deletingLastPathComponent().path
            var template = Array(((dir.isEmpty ? "." : dir) + "/.\(url.lastPathComponent).dip-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw DipError.failure("\(path): cannot create output (\(String(cString: strerror(errno))))")
            }
            self.fd = fd
            tempPath = String(cString: template)
            writer = ImageStreamWriter(fileDescriptor: fd, name: path)
        }
    }

    func write(_ image: Image, as format: ImageFormat, options: EncodeOptions) throws {
        try writer.write(image, as: format, options: options)
    }

    /// Publishes a file output under its final name.
    func finish() throws {
        guard let tempPath else { return }
        fchmod(fd, 0o644 & ~OutputSink.umaskValue)
        fsync(fd)
        close(fd)
        guard rename(tempPath, path) == 0 else {
            unlink(tempPath)
            throw DipError.failure("\(path): cannot rename output into place (\(String(cString: strerror(errno))))")
        }
    }

    /// Discards a file output that never received a complete image.
    func abandon() {
        guard let tempPath else { return }
        close(fd)
        unlink(tempPath)
    }

    private static let umaskValue: mode_t = { let m = umask(0); umask(m); return m }()
}
