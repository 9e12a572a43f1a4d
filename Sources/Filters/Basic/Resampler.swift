/// Separable resampling of interleaved float planes: a horizontal pass, then a vertical one. An axis
/// whose size does not change is not touched, so resizing to the same size copies samples exactly.
enum Resampler {
    /// Resamples `src` (width × height × channels, interleaved) to `outWidth × outHeight`.
    /// The pass order keeps the intermediate image small (shrink first), so a 1×N → N×1 resize
    /// never builds an N×N temporary.
    static func resample(_ src: [Float], width: Int, height: Int, channels: Int,
                         outWidth: Int, outHeight: Int, kernel: ResampleKernel) -> [Float] {
        let horizontalFirst = outWidth * height <= width * outHeight
        var current = src
        var w = width
        if horizontalFirst && outWidth != width {
            current = horizontal(current, width: width, height: height, channels: channels,
                                 axis: ResampleAxis(inSize: width, outSize: outWidth, kernel: kernel))
            w = outWidth
        }
        if outHeight != height {
            current = vertical(current, width: w, channels: channels,
                               axis: ResampleAxis(inSize: height, outSize: outHeight, kernel: kernel))
        }
        if !horizontalFirst && outWidth != width {
            current = horizontal(current, width: width, height: outHeight, channels: channels,
                                 axis: ResampleAxis(inSize: width, outSize: outWidth, kernel: kernel))
        }
        return current
    }

    static func horizontal(_ src: [Float], width: Int, height: Int, channels: Int, axis: ResampleAxis) -> [Float] {
        let ow = axis.outSize, taps = axis.taps
        var dst = [Float](repeating: 0, count: ow * height * channels)
        src.withUnsafeBufferPointer { s in
            dst.withUnsafeMutableBufferPointer { d in
                axis.starts.withUnsafeBufferPointer { starts in
                    axis.weights.withUnsafeBufferPointer { wts in
                        for y in 0..<height {
                            let rowIn = y * width * channels, rowOut = y * ow * channels
                            for x in 0..<ow {
                                let base = rowIn + starts[x] * channels
                                let wb = x * taps
                                for c in 0..<channels {
                                    var acc: Float = 0
                                    for k in 0..<taps { acc += wts[wb + k] * s[base + k * channels + c] }
                                    d[rowOut + x * channels + c] = acc
                                }
                            }
                        }
                    }
                }
            }
        }
        return dst
    }

    static func vertical(_ src: [Float], width: Int, channels: Int, axis: ResampleAxis) -> [Float] {
        let oh = axis.outSize, taps = axis.taps, row = width * channels
        var dst = [Float](repeating: 0, count: oh * row)
        src.withUnsafeBufferPointer { s in
            dst.withUnsafeMutableBufferPointer { d in
                axis.starts.withUnsafeBufferPointer { starts in
                    axis.weights.withUnsafeBufferPointer { wts in
                        for y in 0..<oh {
                            let out = y * row
                            for k in 0..<taps {
                                let wk = wts[y * taps + k]
                                if wk == 0 { continue }
                                let inp = (starts[y] + k) * row
                                for i in 0..<row { d[out + i] += wk * s[inp + i] }
                            }
                        }
                    }
                }
            }
        }
        return dst
    }
}
