/// Reads images one at a time from a stream of back-to-back encoded images.
///
/// PNM/PAM (netpbm, `ffmpeg -f image2pipe -vcodec ppm|pam`) and PNG (`-vcodec png`) images are
/// framed by parsing their headers / chunk lengths, and JPEGs by walking their markers to EOI, so
/// only the current image is ever buffered and each can be processed as soon as it has arrived.
/// A TIFF cannot be framed (its directory may sit anywhere): it is read to end of input as the
/// stream's only image. Formats may be mixed. Whitespace between images is skipped, as netpbm does;
/// anything else that is not an image is an error naming the image number ("stdin image 3: ...").
public final class ImageStreamReader {
    private let input: BufferedInput
    private let name: String
    private let maxPixels: Int
    private var failure: Error?
    private var finished = false

    /// Images returned so far.
    public private(set) var imagesRead = 0
    /// Format of the image last returned.
    public private(set) var lastFormat: ImageFormat?

    /// Largest encoded size read for a TIFF (read to end of input) or a JPEG.
    static let maxEncodedBytes = 1 << 31

    public init(fileDescriptor: Int32, name: String, maxPixels: Int = FilterContext.defaultMaxPixels) {
        self.input = BufferedInput(fileDescriptor: fileDescriptor, name: name)
        self.name = name
        self.maxPixels = maxPixels
    }

    public init(bytes: [UInt8], name: String, maxPixels: Int = FilterContext.defaultMaxPixels) {
        self.input = BufferedInput(bytes: bytes, name: name)
        self.name = name
        self.maxPixels = maxPixels
    }

    /// The next image, or nil at a clean end of input (also when there were no images at all).
    /// After an error the stream cannot be resynchronised: every later call throws it again.
    public func next() throws -> Image? {
        if let failure { throw failure }
        if finished { return nil }
        do {
            let image = try readImage()
            if image == nil { finished = true }
            return image
        } catch {
            failure = error
            throw error
        }
    }

    private var currentName: String { "\(name) image \(imagesRead + 1)" }

    private func readImage() throws -> Image? {
        var skip = 0
        while let byte = try input.byte(at: skip), PNMSyntax.isWhitespace(byte) { skip += 1 }
        input.consume(skip)
        guard try input.has(1) else { return nil }
        _ = try input.has(8)
        let prefix = input.copy(8)
        guard let format = ImageFormat.detect(prefix) else {
            let what = imagesRead == 0
                ? "unknown image format (starts with \(ImageCodec.hexPrefix(prefix)))"
                : "data after image \(imagesRead) is not an image (starts with \(ImageCodec.hexPrefix(prefix)))"
            throw DipError.badImage(currentName, what)
        }
        let imageName = currentName
        var source = input
        let image: Image
        do {
            switch format {
            case .pnm, .pam:
                let (decoded, end) = try PNMDecoder.decode(&source, maxPixels: maxPixels)
                input.consume(end)
                image = decoded
            case .png:
                let length = try ImageFraming.pngLength(&source, maxPixels: maxPixels)
                image = try ImageCodec.decode(input.copy(length), as: .png, name: imageName,
                                              maxPixels: maxPixels)
                input.consume(length)
            case .jpeg:
                let length = try ImageFraming.jpegLength(&source, limit: Self.maxEncodedBytes)
                image = try ImageCodec.decode(input.copy(length), as: .jpeg, name: imageName,
                                              maxPixels: maxPixels)
                input.consume(length)
            case .tiff:
                guard try input.readToEnd(limit: Self.maxEncodedBytes) else {
                    throw FormatProblem("TIFF is larger than \(Self.maxEncodedBytes) bytes")
                }
                let length = input.buffered
                image = try ImageCodec.decode(input.copy(length), as: .tiff, name: imageName,
                                              maxPixels: maxPixels)
                input.consume(length)
            }
        } catch let problem as FormatProblem {
            throw DipError.badImage(imageName, problem.message)
        }
        imagesRead += 1
        lastFormat = format
        return image
    }
}
