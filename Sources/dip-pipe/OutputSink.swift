import FilterAPI
import Foundation

/// Where results go: stdout (each image written and flushed as soon as it is done), or a file that
/// appears, complete, only when `finish()` renames it into place — or, when a signal ends the run,
/// holding the images completed by then (see `Termination`).
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
            if !file.writesInPlace { Termination.arm(file) }
            pending = file
            writer = ImageStreamWriter(fileDescriptor: file.fileDescriptor, name: path)
        }
    }

    func write(_ image: Image, as format: ImageFormat, options: EncodeOptions) throws {
        guard let pending, !pending.writesInPlace else {
            return try writer.write(image, as: format, options: options)
        }
        // Encoded before taking the lock, so a signal during a long encode is not held up.
        let bytes = try ImageCodec.encode(image, as: format, options: options)
        try Termination.exclusive {
            try writer.write(encoded: bytes)
            Termination.markComplete(bytes: Int(lseek(pending.fileDescriptor, 0, SEEK_CUR)))
        }
    }

    /// Publishes a file output under its final name.
    func finish() throws {
        try Termination.exclusive {
            defer { Termination.disarm() }
            try pending?.commit()
        }
    }

    /// Discards a file output that never received a complete image.
    func abandon() {
        Termination.exclusive {
            Termination.disarm()
            pending?.discard()
        }
    }
}
