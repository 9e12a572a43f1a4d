/// Conversions between integer samples and the [0, 1] floats of `Image`.
///
/// Decoding divides by maxval and encoding rounds v × maxval to nearest (clamped; ties, which an
/// integer source never produces, go to even), so an 8- or 16-bit decode → encode reproduces every
/// sample exactly. Decoding goes through a table of the maxval + 1 possible values.
enum SampleQuantizer {
    @inline(__always)
    static func quantize(_ value: Float, maxval: Int) -> Int {
        let scaled = value * Float(maxval)
        guard scaled > 0 else { return 0 }          // also catches NaN
        guard scaled < Float(maxval) else { return maxval }
        return Int(scaled.rounded(.toNearestOrEven))
    }

    /// value / maxval for every integer 0..<entries (values above maxval included, for callers
    /// that check the range separately).
    static func table(maxval: Int, entries: Int) -> [Float] {
        let scale = Float(maxval)
        return (0..<entries).map { Float($0) / scale }
    }

    /// Samples as bytes (maxval ≤ 255).
    static func bytes(_ pixels: [Float], maxval: Int) -> [UInt8] {
        let scale = Float(maxval)
        return pixels.map { value in
            let scaled = value * scale
            return scaled > 0 ? (scaled < scale ? UInt8(scaled.rounded(.toNearestOrEven)) : UInt8(maxval)) : 0
        }
    }

    /// Samples as native-endian 16-bit words (maxval ≤ 65535).
    static func words(_ pixels: [Float], maxval: Int) -> [UInt16] {
        let scale = Float(maxval)
        return pixels.map { value in
            let scaled = value * scale
            return scaled > 0 ? (scaled < scale ? UInt16(scaled.rounded(.toNearestOrEven)) : UInt16(maxval)) : 0
        }
    }

    /// Floats from `count` integer samples at `base` (UInt8 or UInt16 per `wide`).
    static func floats(from base: UnsafeRawPointer, count: Int, wide: Bool, maxval: Int) -> [Float] {
        let values = table(maxval: maxval, entries: wide ? 65536 : 256)
        return values.withUnsafeBufferPointer { lookup in
            if wide {
                let words = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt16.self), count: count)
                return words.map { lookup[Int($0)] }
            }
            let bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
            return bytes.map { lookup[Int($0)] }
        }
    }

    /// Floats from 32-bit float samples, clamped into the model's [0, 1] (NaN → 0).
    static func clampedFloats(from base: UnsafeRawPointer, count: Int) -> [Float] {
        let floats = UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count)
        return floats.map { $0 > 0 ? min($0, 1) : 0 }
    }

    /// The integer bit depth an image is written with where 1/2/4/8/16 are possible (float → 16).
    static func integerBits(_ format: SampleFormat) -> Int {
        switch format {
        case .float32: return 16
        case .unsigned(let bits): return bits <= 1 ? 1 : bits <= 2 ? 2 : bits <= 4 ? 4 : bits <= 8 ? 8 : 16
        }
    }
}
