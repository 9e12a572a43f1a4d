/// Bytes of one encoded image, addressed from the image's first byte, that may arrive lazily.
///
/// Parsers written against this read a header byte by byte and the bulk of a raster in one piece,
/// so the same code decodes an in-memory file and frames one image at a time out of a pipe
/// without ever holding more than that image.
protocol ByteSource {
    /// The byte at `offset`, or nil when the input ends before it.
    mutating func byte(at offset: Int) throws -> UInt8?
    /// Whether bytes `0..<end` are all available (reading more input if needed).
    mutating func has(_ end: Int) throws -> Bool
    /// How many bytes are available from the image start without reading more.
    var buffered: Int { get }
    /// Calls `body` with bytes `offset..<offset+count`; nil when the input ends first.
    mutating func withBytes<R>(at offset: Int, count: Int,
                               _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R?
}

/// A complete encoded image held in memory.
struct MemoryBytes: ByteSource {
    let bytes: [UInt8]

    func byte(at offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }
    func has(_ end: Int) -> Bool { end <= bytes.count }
    var buffered: Int { bytes.count }

    func withBytes<R>(at offset: Int, count: Int,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else { return nil }
        return try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
        }
    }
}
