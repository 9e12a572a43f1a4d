/// Writes encoded images back to back to a file descriptor: nothing is written between images
/// (ffmpeg's image2pipe demuxer drops a frame if even a newline sits between them), and each image
/// is handed to the kernel completely before `write` returns, so a consumer sees it at once.
public final class ImageStreamWriter {
    private let fd: Int32
    private let name: String

    /// Images written so far.
    public private(set) var imagesWritten = 0

    public init(fileDescriptor: Int32, name: String) {
        self.fd = fileDescriptor
        self.name = name
    }

    /// Encodes `image` as `format` and writes all of it (the descriptor is unbuffered, so there
    /// is nothing left to flush once this returns).
    public func write(_ image: Image, as format: ImageFormat, options: EncodeOptions = .init()) throws {
        try write(encoded: ImageCodec.encode(image, as: format, options: options))
    }

    /// Writes one image already encoded (by `ImageCodec.encode`), all of it.
    public func write(encoded bytes: [UInt8]) throws {
        try AtomicFile.writeAll(fd: fd, bytes, name: name)
        imagesWritten += 1
    }
}
