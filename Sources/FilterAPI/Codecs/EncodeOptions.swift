/// Choices an encoder makes that are not part of the image itself.
public struct EncodeOptions: Sendable {
    /// libjpeg quality, 1...100 (clamped). At 90 and above chroma is kept at full resolution (4:4:4).
    public var jpegQuality: Int = 92
    /// Write progressive rather than baseline JPEG.
    public var jpegProgressive: Bool = false
    /// TIFF tile edge in pixels (rounded up to a multiple of 16); 0 writes strips.
    public var tiffTileSize: Int = 0

    public init() {}

    public init(jpegQuality: Int) {
        self.jpegQuality = jpegQuality
    }
}
