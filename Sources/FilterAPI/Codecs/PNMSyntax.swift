/// Lexical rules shared by the netpbm formats.
enum PNMSyntax {
    /// Netpbm whitespace: space, tab, CR, LF, vertical tab, form feed.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The number of bits SampleFormat uses for a maxval (the smallest of 1, 2, 4, 8, 16 that holds it).
    static func bits(forMaxval maxval: Int) -> Int {
        switch maxval {
        case ...1: return 1
        case ...3: return 2
        case ...15: return 4
        case ...255: return 8
        default: return 16
        }
    }
}
