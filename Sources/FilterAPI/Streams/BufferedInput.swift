import Glibc

/// A read buffer over a file descriptor (or a byte array) that holds the current image only.
///
/// Offsets given to the ByteSource methods count from the start of the current image; `consume`
/// drops an image once it has been framed, so memory stays bounded by one encoded image plus one
/// read chunk, however long the stream.
final class BufferedInput: ByteSource {
    private var storage: [UInt8] = []
    private var start = 0
    private var atEOF: Bool
    private let fd: Int32
    private let name: String
    private static let compactThreshold = 1 << 16
    private static let chunkSize = 1 << 20
    private var chunk: [UInt8] = []

    init(fileDescriptor: Int32, name: String) {
        self.fd = fileDescriptor
        self.name = name
        self.atEOF = false
    }

    init(bytes: [UInt8], name: String) {
        self.fd = -1
        self.name = name
        self.storage = bytes
        self.atEOF = true
    }

    var buffered: Int { storage.count - start }

    func byte(at offset: Int) throws -> UInt8? {
        let index = start + offset
        if index < storage.count { return storage[index] }
        guard try has(offset + 1) else { return nil }
        return storage[start + offset]
    }

    func has(_ end: Int) throws -> Bool {
        while storage.count - start < end {
            if atEOF { return false }
            try fill(wanting: end - (storage.count - start))
        }
        return true
    }

    func withBytes<R>(at offset: Int, count: Int,
                      _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        // offset + count comes from a header: checked, a wrapped sum once passed as "buffered".
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, count >= 0, !overflow, try has(end) else { return nil }
        let from = start + offset
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[from..<(from + count)]))
        }
    }

    /// Bytes `0..<count` of the current image as an array (they must be buffered).
    func copy(_ count: Int) -> [UInt8] {
        Array(storage[start..<(start + min(count, buffered))])
    }

    /// Drops the first `count` bytes (the image just read); the next image starts after them.
    func consume(_ count: Int) {
        start += min(count, buffered)
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 4 * BufferedInput.compactThreshold)
            start = 0
        } else if start >= BufferedInput.compactThreshold {
            storage.removeSubrange(0..<start)
            start = 0
        }
    }

    /// Reads until end of input (for formats that cannot be framed); fails beyond `limit` bytes.
    func readToEnd(limit: Int) throws -> Bool {
        while !atEOF {
            guard buffered <= limit else { return false }
            try fill(wanting: BufferedInput.compactThreshold)
        }
        return buffered <= limit
    }

    /// Appends what one read() returns (up to one chunk), or notes end of input. Reads into a
    /// reused chunk so that filling a large raster costs one copy per byte, not a re-zeroed buffer.
    private func fill(wanting: Int) throws {
        guard fd >= 0 else {
            atEOF = true
            return
        }
        if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: BufferedInput.chunkSize) }
        if wanting > storage.capacity - storage.count {
            storage.reserveCapacity(storage.count + min(wanting, 1 << 28))
        }
        var got = 0
        while true {
            got = chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.read(fd, base, raw.count)
            }
            if got < 0 && errno == EINTR { continue }
            break
        }
        if got < 0 {
            throw DipError.failure("\(name): read failed (\(String(cString: strerror(errno))))")
        }
        if got == 0 {
            atEOF = true
            return
        }
        storage.append(contentsOf: chunk[0..<got])
    }
}
