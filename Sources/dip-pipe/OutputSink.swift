import FilterAPI
import Foundation

/// Where results go: stdout (each image written and flushed as soon as it is done), or a file that
/// appears, complete, only when `finish()` renames it into place.
final class OutputSink {
    private let writer: ImageStreamWriter
    private let pending: AtomicFile.Pending?

    init(path: String) throws {
        if path == "-" {
            guard isatty(1) == 0 else {
                throw DipError.misuse("stdout is a terminal: redirect it or use --output FILE")
            }
            pending = nil
            writer = ImageStreamWriter(fileDescriptor: 1, name: "stdout")
        } else {
            let file = try AtomicFile.Pending(path: path)
            InterruptCleanup.protect(file.tempPath)
            pending = file
            writer = ImageStreamWriter(fileDescriptor: file.fileDescriptor, name: path)
        }
    }

    func write(_ image: Image, as format: ImageFormat, options: EncodeOptions) throws {
        try writer.write(image, as: format, options: options)
    }

    /// Publishes a file output under its final name.
    func finish() throws {
        InterruptCleanup.protect(nil)
        try pending?.commit()
    }

    /// Discards a file output that never received a complete image.
    func abandon() {
        InterruptCleanup.protect(nil)
        pending?.discard()
    }
}
