/// Damps flicker in a stream's outputs (`--deflicker on`): each output pixel is pulled toward the
/// previous frame's (deflickered) output, moved onto this frame by block motion, where the two
/// agree — a motion-compensated, gated recursive average, as video denoisers do in time.
///
/// A restoration's mistakes (noise the fit has learned, a texture guessed differently) change
/// from frame to frame though the scene only moves; averaging consecutive outputs along the
/// motion shrinks both the mistakes and their jumps. Where the motion was not found (an occlusion,
/// a turn, a new object), the outputs differ by much more than the mistakes do and the pull falls
/// to zero, so nothing is ghosted. The difference is taken over a (2·`radius`+1)² neighbourhood,
/// mean over colour channels, so single pixels neither open nor close the gate. Alpha is the
/// current frame's. The numbers were chosen on one clip (fast denoise of a noisy pan across
/// library.png) and then applied unchanged to the DIP fits of the same clip (README, "Video and
/// other streams").
public enum Deflicker {
    /// The largest pull toward the previous output (where the two agree exactly): with the
    /// recursion, about the last three frames are averaged.
    public static let maxWeight: Float = 0.5
    /// Mean absolute difference (samples in [0, 1]) at which the pull reaches zero.
    public static let threshold: Float = 24.0 / 255
    /// The neighbourhood's half-width in pixels.
    public static let radius = 2
    /// The side of the blocks whose motion is found (`BlockMotion`).
    public static var block: Int { BlockMotion.block }

    /// `current` pulled toward `previous` (an image of the same size and channels; else `current`).
    public static func blend(_ current: Image, previous: Image) -> Image {
        guard current.width == previous.width, current.height == previous.height,
              current.channels == previous.channels,
              current.pixels.count == current.width * current.height * current.channels,
              previous.pixels.count == current.pixels.count, current.pixelCount > 0 else { return current }
        let w = current.width, h = current.height, channels = current.channels, colours = current.colorChannels
        let motion = BlockMotion(current: grey(current), previous: grey(previous), width: w, height: h)
        let moved = motion.warp(previous.pixels, channels: channels)
        // Per pixel: mean absolute difference over the colour channels.
        var difference = [Float](repeating: 0, count: w * h)
        for p in 0..<(w * h) {
            var sum: Float = 0
            for c in 0..<colours { sum += abs(current.pixels[p * channels + c] - moved[p * channels + c]) }
            difference[p] = sum / Float(colours)
        }
        let local = boxMean(difference, width: w, height: h, radius: radius)
        var out = current
        for p in 0..<(w * h) {
            let weight = maxWeight * max(0, 1 - local[p] / threshold)
            guard weight > 0 else { continue }
            for c in 0..<colours {
                let i = p * channels + c
                out.pixels[i] = min(max(current.pixels[i] + weight * (moved[i] - current.pixels[i]), 0), 1)
            }
        }
        return out
    }

    /// The mean of the colour channels at each pixel.
    static func grey(_ image: Image) -> [Float] {
        let channels = image.channels, colours = image.colorChannels
        return (0..<image.pixelCount).map { p in
            var sum: Float = 0
            for c in 0..<colours { sum += image.pixels[p * channels + c] }
            return sum / Float(colours)
        }
    }

    /// The mean of `values` (width × height) over the (2r+1)² square around each pixel, the square
    /// clipped to the image (so the mean covers the pixels that exist). Two passes of running sums.
    static func boxMean(_ values: [Float], width: Int, height: Int, radius r: Int) -> [Float] {
        var rows = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            let base = y * width
            var sum: Float = 0
            for x in 0..<min(r, width) { sum += values[base + x] }
            for x in 0..<width {
                if x + r < width { sum += values[base + x + r] }
                if x - r - 1 >= 0 { sum -= values[base + x - r - 1] }
                rows[base + x] = sum / Float(min(x + r, width - 1) - max(x - r, 0) + 1)
            }
        }
        var out = [Float](repeating: 0, count: values.count)
        for x in 0..<width {
            var sum: Float = 0
            for y in 0..<min(r, height) { sum += rows[y * width + x] }
            for y in 0..<height {
                if y + r < height { sum += rows[(y + r) * width + x] }
                if y - r - 1 >= 0 { sum -= rows[(y - r - 1) * width + x] }
                out[y * width + x] = sum / Float(min(y + r, height - 1) - max(y - r, 0) + 1)
            }
        }
        return out
    }
}
