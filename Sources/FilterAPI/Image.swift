/// How a source file stored its samples; remembered so that output keeps the input's precision.
public enum SampleFormat: Equatable, Sendable {
    /// Unsigned integers of `bits` bits (1, 2, 4, 8 or 16; PNM maxvals map to the bits that hold them).
    case unsigned(bits: Int)
    /// 32-bit IEEE floats (TIFF SAMPLEFORMAT_IEEEFP).
    case float32

    /// Largest integer sample value for the format (1.0 for float).
    public var maxValue: Float {
        switch self {
        case .unsigned(let bits): return Float((1 << bits) - 1)
        case .float32: return 1
        }
    }
}

/// An image in memory: interleaved samples (row-major, channel fastest) in [0, 1].
///
/// Channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. Alpha, when present, is the last channel and is
/// straight (not premultiplied). `format` records the source precision so writers can keep it
/// (16-bit in, 16-bit out); filters that create images pick a sensible one (usually the input's).
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var format: SampleFormat
    /// For PNM sources whose maxval is not 2^bits−1 (e.g. 1000): written back with the same maxval.
    public var maxval: Int?
    /// width × height × channels samples, interleaved.
    public var pixels: [Float]
    /// For PNM/PAM sources: which variant (P1…P7, plain/raw, PAM tuple type) the file was, so that
    /// writing it back as PNM/PAM reproduces the same bytes. nil for other sources.
    public var pnmVariant: PNMVariant? = nil

    public init(width: Int, height: Int, channels: Int, format: SampleFormat = .unsigned(bits: 8),
                maxval: Int? = nil, pixels: [Float]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.format = format
        self.maxval = maxval
        self.pixels = pixels
    }

    /// A black (all-zero) image.
    public init(width: Int, height: Int, channels: Int, format: SampleFormat = .unsigned(bits: 8)) {
        self.init(width: width, height: height, channels: channels, format: format,
                  pixels: [Float](repeating: 0, count: max(0, width * height * channels)))
    }

    public var pixelCount: Int { width * height }
    public var hasAlpha: Bool { channels == 2 || channels == 4 }
    /// Colour channels, not counting alpha.
    public var colorChannels: Int { hasAlpha ? channels - 1 : channels }

    @inlinable public func index(x: Int, y: Int, c: Int) -> Int { (y * width + x) * channels + c }

    @inlinable public subscript(x: Int, y: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }
}
